using System.Globalization;

namespace Platform.Topology.Services;

/// <summary>
/// How the trace viewer is started: the standalone Aspire Dashboard (NuGet's Aspire.Dashboard.Sdk.linux-x64,
/// copied whole by tools/TraceViewer), its UI and its OTLP/HTTP receiver each on a loopback port, and nothing
/// open without a key: the UI asks for the browser token (a login URL carries it), OTLP for the OTLP key,
/// the telemetry API for the API key. <c>./platform up</c>, the tests' fixture and the compose file run it so.
/// </summary>
public static class TraceViewerService
{
    /// <summary>The single-file program in the package's tools folder, which must run beside the rest of that folder.</summary>
    public const string Program = "Aspire.Dashboard";

    /// <summary>The header an OTLP exporter sends the OTLP key in.</summary>
    public const string OtlpKeyHeader = "x-otlp-api-key";

    /// <summary>The header the telemetry API (<c>/api/telemetry/*</c>) wants the API key in.</summary>
    public const string ApiKeyHeader = "x-api-key";

    /// <summary>Answers 200 on the UI's port, without a login, once it serves.</summary>
    public const string HealthPath = "/health";

    /// <summary>
    /// What it keeps. It holds telemetry in a database of its own until it stops, dropping the oldest past
    /// each count; on a platform that runs for weeks that bounds its disk and memory, and keeps it a window on
    /// what is happening now, not an archive. Traces and logs keep the viewer's own defaults (10,000 each);
    /// metrics, which belong in Prometheus, a fifth of theirs; attributes and events, unbounded by default, are
    /// bounded: a long statement or stack trace is cut at 8 KiB, and a span keeps its first 128 events. The
    /// compose file sets the same (tests/Deployment.Tests checks it).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Limits { get; } = new Dictionary<string, string>
    {
        ["Dashboard__TelemetryLimits__MaxTraceCount"] = "10000",
        ["Dashboard__TelemetryLimits__MaxLogCount"] = "10000",
        ["Dashboard__TelemetryLimits__MaxMetricsCount"] = "10000",
        ["Dashboard__TelemetryLimits__MaxAttributeLength"] = "8192",
        ["Dashboard__TelemetryLimits__MaxSpanEventCount"] = "128",
    };

    /// <param name="appDirectory">The copy of the package's tools folder (<see cref="Program"/> and what it reads beside it).</param>
    /// <param name="homeDirectory">
    /// Its HOME: ASP.NET Core keeps the keys that sign the login cookie in <c>.aspnet/</c> there, so a browser
    /// stays logged in across restarts; and its <c>tmp/</c>, TMPDIR, where it keeps its telemetry database
    /// while it runs (deleted when it stops). Both would otherwise be the user's home and /tmp.
    /// </param>
    /// <param name="uiPort">The UI and the telemetry API.</param>
    /// <param name="otlpPort">OTLP over HTTP (<c>/v1/traces</c>, <c>/v1/logs</c>).</param>
    public static ServiceCommand Start(string appDirectory, string homeDirectory, int uiPort, int otlpPort, TraceViewerKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var environment = new Dictionary<string, string>(Limits)
        {
            ["HOME"] = homeDirectory,
            ["TMPDIR"] = TempDirectory(homeDirectory),
            ["ASPNETCORE_URLS"] = UiBase(uiPort).ToString().TrimEnd('/'),
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = OtlpEndpoint(otlpPort).ToString().TrimEnd('/'),
            ["Dashboard__Frontend__AuthMode"] = "BrowserToken",
            ["Dashboard__Frontend__BrowserToken"] = keys.BrowserToken,
            // The login URL is shown by up once, not written to a log that may be passed around.
            ["ASPIRE_DASHBOARD_SUPPRESS_BROWSER_TOKEN_IN_OUTPUT"] = "true",
            ["Dashboard__Otlp__AuthMode"] = "ApiKey",
            ["Dashboard__Otlp__PrimaryApiKey"] = keys.OtlpKey,
            ["Dashboard__Api__Enabled"] = "true",
            ["Dashboard__Api__AuthMode"] = "ApiKey",
            ["Dashboard__Api__PrimaryApiKey"] = keys.ApiKey,
        };
        return new ServiceCommand(Path.Combine(appDirectory, Program), [], environment, appDirectory);
    }

    /// <summary>Where it keeps its telemetry database while it runs: <c>tmp/</c> under its home.</summary>
    public static string TempDirectory(string homeDirectory) => Path.Combine(homeDirectory, "tmp");

    /// <summary>
    /// The standard OpenTelemetry exporter variables that send a service's traces and logs to the viewer
    /// (OTLP over HTTP with protobuf, the OTLP key in its header). A service exports only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Exporter(int otlpPort, string otlpKey) => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = OtlpEndpoint(otlpPort).ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_EXPORTER_OTLP_HEADERS"] = OtlpHeaders(otlpKey),
    };

    /// <summary><c>OTEL_EXPORTER_OTLP_HEADERS</c>'s value: <c>x-otlp-api-key=KEY</c>.</summary>
    public static string OtlpHeaders(string otlpKey) => $"{OtlpKeyHeader}={otlpKey}";

    /// <summary>http://127.0.0.1:<paramref name="uiPort"/>/, the UI and the telemetry API.</summary>
    public static Uri UiBase(int uiPort) => Local(uiPort);

    /// <summary>http://127.0.0.1:<paramref name="otlpPort"/>/, where exporters send OTLP over HTTP.</summary>
    public static Uri OtlpEndpoint(int otlpPort) => Local(otlpPort);

    /// <summary>The URL that logs a browser in: the UI's <c>/login?t=</c> the browser token.</summary>
    public static Uri LoginUrl(int uiPort, string browserToken) =>
        new(UiBase(uiPort), "login?t=" + Uri.EscapeDataString(browserToken));

    private static Uri Local(int port) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
}
