using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Topology;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Load.Wrk.Gateway;

/// <summary>One TLS measurement of one proxy: what the client did per second, and the proxy's CPU per unit of it.</summary>
/// <param name="PerSecond">Requests (HTTP/2) or handshakes per second, as the client saw them.</param>
/// <param name="CpuUs">The proxy processes' CPU time per request or handshake, in µs.</param>
/// <param name="Failed">Requests that did not get a 2xx (HTTP/2), or 0 for handshakes (a failed one stops the client).</param>
public sealed record TlsSample(double PerSecond, double CpuUs, long Failed);

/// <summary>
/// The two TLS clients the gateway bench drives beside wrk (which measures HTTPS with keep-alive): h2load
/// (Debian's nghttp2-client) for HTTP/2 over one TLS connection per client, and <c>openssl s_time</c> for new
/// handshakes per second, full (<c>-new</c>) and resumed (<c>-reuse</c>). Both are the tools nginx's and
/// Envoy's own TLS figures are usually quoted with; neither verifies the certificate (wrk does not either),
/// so all three price the same work on every proxy. s_time reads a small answer on each connection
/// (<c>-www</c>): TLS 1.3 sends its resumption ticket after the handshake, and a client that reads
/// nothing never gets one, so without it "resumed" would be full handshakes again.
/// </summary>
public static partial class TlsClients
{
    public const string H2Load = "h2load";
    public const string OpenSsl = "openssl";

    /// <summary>The path s_time asks for on each connection: answered by the proxy itself (a 404), so no replica is in the handshake figures.</summary>
    public const string HandshakePath = "/";

    /// <summary>HTTP/2 with <paramref name="connections"/> connections, <paramref name="streams"/> streams each, for <paramref name="seconds"/>; ALPN must settle on h2.</summary>
    public static async Task<TlsSample> H2Async(Uri target, int threads, int connections, int streams, int seconds, int proxyPid, string outputFile)
    {
        var command = new ServiceCommand(H2Load,
            ["-t" + Text(threads), "-c" + Text(connections), "-m" + Text(streams), "-D", Text(seconds), target.ToString()]);
        var (output, ticks, _) = await MeasureAsync(command, seconds, proxyPid, outputFile);
        var (requests, perSecond, failed) = ParseH2Load(output) ?? throw new PlatformException($"h2load did not negotiate HTTP/2 with {target} or printed no summary; see {outputFile}");
        return new TlsSample(perSecond, PlatformCpu.MicrosecondsPerRequest(ticks, requests), failed);
    }

    /// <summary>h2load's requests, req/s and requests without a 2xx; null unless it negotiated h2 and printed its summary.</summary>
    public static (long Requests, double PerSecond, long Failed)? ParseH2Load(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.Contains("Application protocol: h2", StringComparison.Ordinal)
            || Number(RequestsLine(), output, "requests") is not { } requests || Number(RequestsLine(), output, "succeeded") is not { } succeeded
            || Number(StatusLine(), output, "ok") is not { } ok || Number(FinishedLine(), output, "rps") is not { } perSecond)
            return null;
        return ((long)requests, perSecond, (long)(requests - Math.Min(succeeded, ok)));
    }

    /// <summary>How many connections <c>openssl s_time</c> made; null when it printed no summary.</summary>
    public static long? ParseSTime(string output) => Number(ConnectionsLine(), output ?? throw new ArgumentNullException(nameof(output)), "connections") is { } n ? (long)n : null;

    /// <summary>New TLS connections for <paramref name="seconds"/>, each full or (<paramref name="resumed"/>) resuming the first one's session.</summary>
    public static async Task<TlsSample> HandshakesAsync(int port, bool resumed, int seconds, int proxyPid, string outputFile)
    {
        var command = new ServiceCommand(OpenSsl,
            ["s_time", "-connect", "127.0.0.1:" + Text(port), resumed ? "-reuse" : "-new", "-time", Text(seconds), "-www", HandshakePath]);
        var (output, ticks, elapsed) = await MeasureAsync(command, seconds, proxyPid, outputFile);
        // s_time's own "real seconds" are whole seconds; the run's wall time is measured here instead.
        var connections = ParseSTime(output) ?? throw new PlatformException($"openssl s_time printed no summary; see {outputFile}");
        return new TlsSample(connections / elapsed.TotalSeconds, PlatformCpu.MicrosecondsPerRequest(ticks, connections), 0);
    }

    private static async Task<(string Output, long Ticks, TimeSpan Elapsed)> MeasureAsync(ServiceCommand command, int seconds, int proxyPid, string outputFile)
    {
        var before = ProxyProcess.Ticks(proxyPid);
        var clock = Stopwatch.StartNew();
        var (exit, output) = await CommandRunner.RunAsync(command, TimeSpan.FromSeconds(seconds + 30));
        var elapsed = clock.Elapsed;
        var ticks = ProxyProcess.Ticks(proxyPid) - before;
        await File.WriteAllTextAsync(outputFile, $"$ {command.FileName} {string.Join(' ', command.Arguments)}\n{output}");
        if (exit != 0)
            throw new PlatformException($"{command.FileName} exited {exit}; see {outputFile}");
        return (output, ticks, elapsed);
    }

    private static double? Number(Regex pattern, string output, string group) =>
        pattern.Match(output) is { Success: true } match && double.TryParse(match.Groups[group].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    // h2load: "requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout"
    [GeneratedRegex(@"requests: (?<requests>\d+) total, \d+ started, \d+ done, (?<succeeded>\d+) succeeded")]
    private static partial Regex RequestsLine();

    // h2load: "status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx"
    [GeneratedRegex(@"status codes: (?<ok>\d+) 2xx")]
    private static partial Regex StatusLine();

    // h2load: "finished in 10.00s, 50492.30 req/s, 3.28MB/s"
    [GeneratedRegex(@"finished in [\d.]+m?s, (?<rps>[\d.]+) req/s")]
    private static partial Regex FinishedLine();

    // s_time: "1921 connections in 4 real seconds, 144 bytes read per connection"
    [GeneratedRegex(@"(?<connections>\d+) connections in \d+ real seconds")]
    private static partial Regex ConnectionsLine();
}
