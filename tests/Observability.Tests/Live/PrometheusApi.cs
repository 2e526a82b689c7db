using System.Text.Json.Nodes;

namespace Platform.Observability.Tests.Live;

/// <summary>The parts of Prometheus's HTTP API the live tests read: instant queries, series and alerts.</summary>
public sealed class PrometheusApi(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>An instant query now. Status "success" with the result's series, or "error" with Prometheus's message.</summary>
    public async Task<QueryResult> QueryAsync(string expression, CancellationToken cancellationToken = default)
    {
        using var form = new FormUrlEncodedContent([new("query", expression)]);
        using var response = await _http.PostAsync(new Uri("api/v1/query", UriKind.Relative), form, cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        if ((string?)body["status"] != "success")
            return new QueryResult(false, $"{(string?)body["errorType"]}: {(string?)body["error"]}", []);
        var data = body["data"]!;
        var series = (string?)data["resultType"] is "vector" or "matrix"
            ? data["result"]!.AsArray().Select(item => new Sample(
                item!["metric"]!.ToJsonString(),
                item["value"] is { } value ? (string?)value[1] : null)).ToList()
            : [new Sample("{}", (string?)data["result"]![1])]; // a scalar or string is one value
        return new QueryResult(true, "", series);
    }

    /// <summary>The series matching <paramref name="selector"/> over the last five minutes.</summary>
    public async Task<int> CountSeriesAsync(string selector, CancellationToken cancellationToken = default)
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds();
        using var response = await _http.GetAsync(
            new Uri($"api/v1/series?match[]={Uri.EscapeDataString(selector)}&start={start}", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        return body["data"]!.AsArray().Count;
    }

    /// <summary>
    /// <c>/api/v1/query_exemplars</c> for <paramref name="expression"/> over the last five minutes, as Grafana asks
    /// for a panel's exemplars: whether Prometheus took the query, its error, and how many exemplars it returned.
    /// </summary>
    public async Task<(bool Parsed, string Error, int Exemplars)> ExemplarsAsync(string expression, CancellationToken cancellationToken = default)
    {
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var response = await _http.GetAsync(
            new Uri($"api/v1/query_exemplars?query={Uri.EscapeDataString(expression)}&start={end - 300}&end={end}", UriKind.Relative), cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        return (string?)body["status"] == "success"
            ? (true, "", body["data"]!.AsArray().Sum(series => series!["exemplars"]!.AsArray().Count))
            : (false, $"{(string?)body["errorType"]}: {(string?)body["error"]}", 0);
    }

    /// <summary>Alerts pending or firing now, as /api/v1/alerts lists them.</summary>
    public async Task<IReadOnlyList<ActiveAlert>> AlertsAsync(CancellationToken cancellationToken = default)
    {
        var body = JsonNode.Parse(await _http.GetStringAsync(new Uri("api/v1/alerts", UriKind.Relative), cancellationToken))!;
        return body["data"]!["alerts"]!.AsArray()
            .Select(alert => new ActiveAlert(
                (string)alert!["labels"]!["alertname"]!,
                (string)alert["state"]!,
                alert["labels"]!.AsObject().ToDictionary(label => label.Key, label => (string)label.Value!)))
            .ToList();
    }

    public void Dispose() => _http.Dispose();
}

public sealed record QueryResult(bool Parsed, string Error, IReadOnlyList<Sample> Series)
{
    /// <summary>The single series' value as a number, or null when there is not exactly one.</summary>
    public double? OnlyValue() =>
        Series is [{ Value: { } value }] ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>One series of a result: its labels as JSON and its value (null for a range result).</summary>
public sealed record Sample(string Metric, string? Value);

public sealed record ActiveAlert(string Name, string State, IReadOnlyDictionary<string, string> Labels)
{
    public bool IsFiring => State == "firing";
}
