using System.Globalization;

namespace Platform.Load.Runs;

/// <summary>Reads single-value series from the gateway's Prometheus text on its management port.</summary>
public sealed class GatewayMetrics(Uri metricsBase) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = metricsBase, Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>The sum of every sample of <paramref name="metric"/> (all label sets), or null if absent or unreachable.</summary>
    public async Task<double?> ReadAsync(string metric)
    {
        try
        {
            var text = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            return Parse(text, metric);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public static double? Parse(string text, string metric)
    {
        double? sum = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal))
                continue;
            var rest = line[metric.Length..];
            if (rest.Length == 0 || (rest[0] != ' ' && rest[0] != '{'))
                continue;
            var value = line[(line.LastIndexOf(' ') + 1)..];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                sum = (sum ?? 0) + v;
        }

        return sum;
    }

    public void Dispose() => _http.Dispose();
}
