using System.Globalization;
using HdrHistogram;
using Platform.Load.Traffic;

namespace Platform.Load.Progress;

/// <summary>What the live progress shows at one moment of a run.</summary>
/// <param name="Rate">Requests done (answered, timed out or refused) per second since the previous update.</param>
/// <param name="P95Ms">The 95th percentile of every latency so far, from the histogram (NaN before the first answer).</param>
public sealed record ProgressFigures(double ElapsedMs, double TotalMs, long Requests, double Rate, double P95Ms, long Failures)
{
    public string ElapsedText => string.Create(CultureInfo.InvariantCulture, $"{ElapsedMs / 1000:0} s / {TotalMs / 1000:0} s");

    public string RateText => string.Create(CultureInfo.InvariantCulture, $"{Rate:0.0} req/s");

    public string P95Text => double.IsNaN(P95Ms) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{P95Ms:0.0} ms");

    public string FailuresText => string.Create(CultureInfo.InvariantCulture, $"{Failures} ({(Requests == 0 ? 0 : (double)Failures / Requests):P1})");
}

/// <summary>
/// The run's figures so far, kept up incrementally from the request log: each update reads only the
/// records added since the last one. The p95 comes from an HdrHistogram (latencies in microseconds,
/// 3 significant digits: within 0.1 % of the exact value, in a fixed 200 KB or so however long the
/// run), so an update costs the new records, not a sort of every latency so far. The report's
/// percentiles stay exact (Reporting/Percentiles.cs): the live figure only shows the way.
/// </summary>
public sealed class RunningFigures(RequestLog log, double totalMs)
{
    /// <summary>The histogram's ceiling, an hour: far past any request's timeout; a longer latency counts as this.</summary>
    public const long HighestMicroseconds = 3_600_000_000;

    private readonly LongHistogram _latencies = new(HighestMicroseconds, 3);
    private int _read;
    private long _failures;
    private double _previousMs;

    /// <summary>Reads the records added since the last update and returns the figures at <paramref name="nowMs"/>.</summary>
    public ProgressFigures Update(double nowMs)
    {
        var fresh = log.Since(_read);
        _read += fresh.Count;
        foreach (var record in fresh)
        {
            _latencies.RecordValue((long)Math.Round(Math.Clamp(record.LatencyMs * 1000, 0, HighestMicroseconds)));
            if (record.Failed)
                _failures++;
        }

        var seconds = (nowMs - _previousMs) / 1000;
        _previousMs = nowMs;
        var p95 = _latencies.TotalCount == 0 ? double.NaN : _latencies.GetValueAtPercentile(95) / 1000.0;
        return new ProgressFigures(nowMs, totalMs, _latencies.TotalCount, seconds > 0 ? fresh.Count / seconds : 0, p95, _failures);
    }
}
