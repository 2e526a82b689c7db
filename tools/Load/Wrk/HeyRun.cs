using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Topology;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Load.Wrk;

/// <summary>
/// One hey run at a fixed offered rate: <c>hey -z Ds -c C -q RATE/C -t 5 -A application/json URL</c>. wrk
/// only saturates (each connection sends its next request when the last is answered), so CPU per request
/// at saturation mixes what a request costs with how well a loaded process batches; hey's workers are paced
/// by a ticker, so every configuration serves the same requests per second and its CPU per request is what
/// that traffic costs it. Its summary is read into the same <see cref="BenchLine"/> fields wrk's scripts print.
/// </summary>
public sealed partial record HeyRun(Uri Target, int Connections, int Rate, int Seconds)
{
    public const string Program = "hey";

    /// <summary>The Debian package that has it.</summary>
    public const string Package = "hey";

    /// <summary>hey stops itself after <see cref="Seconds"/>; past this much more it is stuck and is killed.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where hey's whole output (stdout and stderr as written) is kept, if anywhere.</summary>
    public string? OutputFile { get; init; }

    /// <summary>hey's command line, without the program: each of the C workers paced to RATE/C per second.</summary>
    public IReadOnlyList<string> Arguments() =>
    [
        "-z", Seconds.ToString(CultureInfo.InvariantCulture) + "s",
        "-c", Connections.ToString(CultureInfo.InvariantCulture),
        "-q", (Rate / (double)Connections).ToString("0.###", CultureInfo.InvariantCulture),
        "-t", "5", "-A", "application/json", Target.ToString(),
    ];

    /// <summary>Runs hey (bounded by <see cref="Seconds"/> and <see cref="Grace"/>) and returns its summary as a BENCH line.</summary>
    /// <exception cref="PlatformException">hey failed, hung, or printed no summary.</exception>
    public async Task<BenchLine> RunAsync()
    {
        var (exit, text) = await CommandRunner.RunAsync(new ServiceCommand(Program, Arguments()), TimeSpan.FromSeconds(Seconds) + Grace);
        if (OutputFile is not null)
            await File.WriteAllTextAsync(OutputFile, text);
        var line = Summary(text);
        if (exit != 0 || line is null)
            throw new PlatformException($"{Program} failed against {Target} (exit {exit}{(OutputFile is not null ? "; see " + OutputFile : "")})");
        return line;
    }

    /// <summary>
    /// hey's summary as a BENCH line (requests, duration_s, rps, p50_ms, p99_ms, non2xx, statuses,
    /// socket_errors, timeouts=0: hey counts a timeout among its errors), or null when it printed none.
    /// </summary>
    public static BenchLine? Summary(string output)
    {
        var total = TotalSeconds().Match(output);
        if (!total.Success)
            return null;
        var statuses = StatusLine().Matches(output).Select(match => (Status: int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            Count: long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        var errorSection = output.IndexOf(ErrorHeading, StringComparison.Ordinal);
        var errors = errorSection < 0 ? 0
            : ErrorLine().Matches(output[errorSection..]).Sum(match => long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        var requests = statuses.Sum(status => status.Count) + errors;
        var seconds = double.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
        double Percentile(int p) =>
            Percentiles().Matches(output).FirstOrDefault(match => match.Groups[1].Value == p.ToString(CultureInfo.InvariantCulture)) is { } match
                ? double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) * 1000 : 0;
        var non2xx = statuses.Where(status => status.Status is < 200 or > 299).Sum(status => status.Count);
        var shown = statuses.Count > 0 ? string.Join(',', statuses.OrderBy(status => status.Status).Select(status => $"{status.Status}:{status.Count}")) : "-";
        return BenchLine.Parse(string.Create(CultureInfo.InvariantCulture,
            $"{BenchLine.Prefix}requests={requests} duration_s={seconds:F3} rps={(seconds > 0 ? requests / seconds : 0):F1} p50_ms={Percentile(50):F3} "
            + $"p99_ms={Percentile(99):F3} non2xx={non2xx} statuses={shown} socket_errors={errors} timeouts=0"));
    }

    [GeneratedRegex(@"Total:\s+([0-9.]+) secs")]
    private static partial Regex TotalSeconds();

    [GeneratedRegex(@"^\s+\[(\d{3})\]\s+(\d+) responses", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    // After it, each kind of error as "  [COUNT]\tGet ...: message".
    private const string ErrorHeading = "Error distribution:";

    [GeneratedRegex(@"^\s+\[(\d+)\]\s", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"^\s+(\d+)% in ([0-9.]+) secs", RegexOptions.Multiline)]
    private static partial Regex Percentiles();
}
