using System.Globalization;
using System.Text;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;

namespace Platform.Load.Faults;

/// <summary>
/// One scrape of the gateway's view of one destination: <c>gateway_upstream_ejected</c> (1 while the
/// outlier detector keeps it out) and <c>gateway_upstream_healthy</c> (0 while a health check keeps it
/// out); null where the gateway does not export the series.
/// </summary>
public sealed record RotationSample(double AtMs, string Destination, double? Ejected, double? Healthy)
{
    public bool OutOfRotation => Ejected == 1 || Healthy == 0;
}

/// <summary>
/// Scrapes the gateway's metrics every quarter second for when a replica leaves the rotation, and says
/// how long after a fault began that happened ("not observed" when neither series shows it).
/// </summary>
public sealed class RotationWatch(MetricsEndpoint gateway, RunClock clock)
{
    public const string Ejected = "gateway_upstream_ejected";
    public const string Healthy = "gateway_upstream_healthy";
    public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    public List<RotationSample> Samples { get; } = [];

    public Task RunAsync(CancellationToken stop) => Sampling.EveryAsync(Every, async () =>
    {
        if (await gateway.ScrapeAsync() is { } page)
        {
            var samples = Parse(clock.ElapsedMs, page);
            lock (Samples)
                Samples.AddRange(samples);
        }
    }, stop);

    /// <summary>Every destination on the page, with both series where exported.</summary>
    public static List<RotationSample> Parse(double atMs, string page)
    {
        var ejected = ByDestination(page, Ejected);
        var healthy = ByDestination(page, Healthy);
        return ejected.Keys.Union(healthy.Keys).Order(StringComparer.Ordinal)
            .Select(d => new RotationSample(atMs, d, ejected.TryGetValue(d, out var e) ? e : null, healthy.TryGetValue(d, out var h) ? h : null))
            .ToList();
    }

    private static Dictionary<string, double> ByDestination(string page, string metric) =>
        MetricsEndpoint.Series(page, metric)
            .Select(s => (Destination: MetricsEndpoint.Label(s.Labels, "destination"), s.Value))
            .Where(s => s.Destination is not null)
            .GroupBy(s => s.Destination!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(s => s.Value), StringComparer.Ordinal);

    /// <summary>
    /// When <paramref name="destination"/> (any destination when null) first left the rotation at or after
    /// <paramref name="faultMs"/>, by which series, and when it came back; or "not observed" and why.
    /// </summary>
    public static string TimeToEject(IReadOnlyCollection<RotationSample> samples, string? destination, double faultMs)
    {
        var watched = samples.Where(s => s.AtMs >= faultMs && (destination is null || s.Destination == destination)).OrderBy(s => s.AtMs).ToList();
        var who = destination ?? "any replica";
        if (watched.FirstOrDefault(s => s.OutOfRotation) is not { } first)
        {
            var ejected = watched.Any(s => s.Ejected is not null) ? $"{Ejected} stayed 0" : $"{Ejected} not exported";
            var healthy = watched.Any(s => s.Healthy is not null) ? $"{Healthy} stayed 1" : $"{Healthy} not exported";
            return string.Create(CultureInfo.InvariantCulture,
                $"not observed for {who} ({ejected}, {healthy}; {watched.Count} samples from the fault on, every {Every.TotalSeconds:0.00} s)");
        }

        var series = first.Ejected == 1 ? $"{Ejected} 1" : $"{Healthy} 0";
        var back = watched.FirstOrDefault(s => s.AtMs > first.AtMs && s.Destination == first.Destination && !s.OutOfRotation);
        return string.Create(CultureInfo.InvariantCulture,
            $"{first.Destination} out of rotation {(first.AtMs - faultMs) / 1000:0.00} s after the fault began ({series}), back {(back is null ? "not before the run ended" : $"at {back.AtMs / 1000:0.0} s")}");
    }

    public string ToCsv()
    {
        static string N(double? v) => v is { } x ? Csv.Number(x) : "";
        var text = new StringBuilder("offset_s,destination,ejected,healthy\n");
        lock (Samples)
        {
            foreach (var s in Samples)
                text.Append(Csv.Line(Csv.Number(s.AtMs / 1000), s.Destination, N(s.Ejected), N(s.Healthy))).Append('\n');
        }

        return text.ToString();
    }
}
