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
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal))
                continue;
            var rest = line[metric.Length..];
            if (rest.Length == 0 || (rest[0] != ' ' && rest[0] != '{'))
                continue;
            if (labels is not null && !rest.StartsWith(labels + " ", StringComparison.Ordinal))
                continue;
            var value = line[(line.LastIndexOf(' ') + 1)..];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                sum = (sum ?? 0) + v;
        }

        return sum;
    }

    public void Dispose() => _http.Dispose();
}
