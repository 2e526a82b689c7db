using System.Globalization;

namespace Platform.Load.Wrk.Writes;

/// <summary>
/// <c>writes</c> takes no arguments; its BENCH_* settings (defaults in brackets): BENCH_DURATION [20] seconds
/// per measured wrk run, BENCH_WARMUP [5] before each (0: none), BENCH_CONCURRENCIES ["50 100"],
/// BENCH_DB_TRANSACTIONS [20000] per measured mariadb-slap run (rounded up to a multiple of the
/// concurrency; the warm-up runs a tenth), BENCH_URLS [every replica of the platform], BENCH_RESULTS
/// [&lt;state&gt;/bench/&lt;UTC time&gt;].
/// </summary>
public sealed record WritesArguments(
    int Duration,
    int Warmup,
    IReadOnlyList<int> Concurrencies,
    int DbTransactions,
    IReadOnlyList<Uri> Urls,
    string Results)
{
    public const string Name = "writes";

    public const string Usage = "usage: ./platform bench writes (settings: BENCH_DURATION [20], BENCH_WARMUP [5], BENCH_CONCURRENCIES [\"50 100\"], "
        + "BENCH_DB_TRANSACTIONS [20000], BENCH_URLS [every replica], BENCH_RESULTS [<state>/bench/<UTC time>]; see docs/load-scenarios.md)";

    /// <summary>create.lua books night (offset + block * 16 + thread): a wrk process may use this many days, enough for 5,000 requests per second per thread.</summary>
    public int SpanDays => 16 * ((5 * Math.Max(Duration, Warmup)) + 1);

    /// <summary>
    /// Parses the (empty) command line and the settings; <paramref name="replicas"/> are the platform's replica
    /// URLs from the topology model, <paramref name="stateBench"/> its state directory's bench folder.
    /// </summary>
    public static (WritesArguments? Parsed, string? Error) Parse(
        IReadOnlyList<string> args, Func<string, string?> variable, IReadOnlyList<Uri> replicas, string stateBench, DateTimeOffset now)
    {
        if (args.Count > 0)
            return (null, $"no arguments: settings are BENCH_* variables (got '{args[0]}')");
        var settings = new BenchVariables(variable);
        try
        {
            var urls = new List<Uri>();
            foreach (var text in settings.Words("BENCH_URLS", ""))
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || !url.IsLoopback)
                    return (null, $"BENCH_URLS must be http URLs on this machine (127.0.0.1) (got '{text}')");
                urls.Add(url);
            }
            if (urls.Count == 0)
                urls.AddRange(replicas);
            if (urls.Count == 0)
                return (null, "BENCH_URLS names no replica");

            var concurrencies = new List<int>();
            foreach (var text in settings.Words("BENCH_CONCURRENCIES", "50 100"))
            {
                if (!(text.Length <= 5 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c >= urls.Count && c <= 10_000))
                    return (null, $"each of BENCH_CONCURRENCIES must be a whole number from the number of replicas, {urls.Count}, to 10000 (got '{text}')");
                concurrencies.Add(c);
            }
            if (concurrencies.Count == 0)
                return (null, "BENCH_CONCURRENCIES names no concurrency");

            return (new WritesArguments(
                Duration: settings.Whole("BENCH_DURATION", 20, 1, 3600),
                Warmup: settings.Whole("BENCH_WARMUP", 5, 0, 3600),
                concurrencies,
                DbTransactions: settings.Whole("BENCH_DB_TRANSACTIONS", 20_000, 1, 10_000_000),
                urls,
                Results: settings.Text("BENCH_RESULTS", Path.Combine(stateBench, now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)))), null);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }
    }
}
