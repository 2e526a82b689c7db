using System.Globalization;

namespace Platform.Load.Runs;

/// <summary>Reads series from a process's Prometheus text on its management port (the gateway's or a replica's).</summary>
public sealed class MetricsEndpoint(Uri metricsBase) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = metricsBase, Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>The page, or null when the process does not answer.</summary>
    public async Task<string?> ScrapeAsync()
    {
        try
        {
            return await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// The sum of the samples of <paramref name="metric"/>; with <paramref name="labels"/> (e.g.
    /// <c>{pool_name="api-1",state="used"}</c>, exactly as exported) only that series.
    /// </summary>
    public static double? Parse(string text, string metric, string? labels = null)
    {
        double? sum = null;
        foreach (var (seriesLabels, value) in Series(text, metric))
        {
            if (labels is null || seriesLabels == labels)
                sum = (sum ?? 0) + value;
        }

        return sum;
    }

    /// <summary>Every sample of <paramref name="metric"/>: its labels exactly as exported (<c>{a="1",b="2"}</c>, or empty) and its value.</summary>
    public static IEnumerable<(string Labels, double Value)> Series(string text, string metric)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal))
                continue;
            var rest = line[metric.Length..];
            if (rest.Length == 0 || (rest[0] != ' ' && rest[0] != '{'))
                continue;
            var labels = rest[0] == '{' ? rest[..(rest.IndexOf('}', StringComparison.Ordinal) + 1)] : "";
            var value = line[(line.LastIndexOf(' ') + 1)..];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                yield return (labels, v);
        }
    }

    /// <summary>The value of label <paramref name="name"/> in <paramref name="labels"/> as <see cref="Series"/> returns them, or null.</summary>
    public static string? Label(string labels, string name)
    {
        var start = labels.IndexOf(name + "=\"", StringComparison.Ordinal);
        if (start < 0 || (start > 0 && labels[start - 1] is not ('{' or ',')))
            return null;
        start += name.Length + 2;
        var end = labels.IndexOf('"', start);
        return end < 0 ? null : labels[start..end];
    }

    public void Dispose() => _http.Dispose();
}
