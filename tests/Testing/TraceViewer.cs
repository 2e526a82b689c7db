using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Topology;
using Platform.Topology.Files;
using Platform.Topology.Resources;
using Platform.Topology.Services;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// A throwaway trace viewer (the standalone Aspire Dashboard that tools/TraceViewer copies into its build) on
/// two free loopback ports with random keys, started as <c>./platform up</c> starts it
/// (<see cref="TraceViewerService"/>), its home in a temp directory deleted on dispose. Give a service
/// <see cref="ExporterEnvironment"/> and it sends its traces and logs here; read them back through the
/// viewer's telemetry API (<see cref="GetSpansAsync"/>, <see cref="GetTraceAsync"/>, <see cref="GetLogsAsync"/>)
/// or wait for them (<c>WaitFor…</c>, each bounded in time). A build without the viewer skips the test on a
/// workstation and fails it under <c>CI=true</c> (<see cref="RequiredServer.LocateBuilt"/>).
/// </summary>
public sealed class TraceViewer : IAsyncDisposable
{
    /// <summary>How long a <c>WaitFor…</c> waits when not told: an exporter batches for up to 5 s before it sends.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly ScratchDirectory _home;
    private readonly TraceViewerKeys _keys;
    private readonly HttpClient _api;
    private ChildProcess? _process;

    private TraceViewer(ScratchDirectory home, int uiPort, int otlpPort, TraceViewerKeys keys)
    {
        _home = home;
        _keys = keys;
        UiPort = uiPort;
        OtlpPort = otlpPort;
        _api = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = UiBaseUrl,
            Timeout = TimeSpan.FromSeconds(10),
        };
        _api.DefaultRequestHeaders.Add(TraceViewerService.ApiKeyHeader, keys.ApiKey);
    }

    /// <summary>Where tools/TraceViewer's build (in this library's configuration) puts the viewer.</summary>
    public static string Program =>
        RepositoryRoot.Combine("tools", "TraceViewer", "bin", ApiReplica.BuildConfiguration(), "net10.0", TraceViewerService.Program);

    /// <summary>The UI's and the telemetry API's port.</summary>
    public int UiPort { get; }

    /// <summary>The OTLP/HTTP receiver's port.</summary>
    public int OtlpPort { get; }

    /// <summary>http://127.0.0.1:UiPort/: the UI (a login first) and the telemetry API (the API key).</summary>
    public Uri UiBaseUrl => TraceViewerService.UiBase(UiPort);

    /// <summary>http://127.0.0.1:OtlpPort/: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; traces go to <c>v1/traces</c>, logs to <c>v1/logs</c>.</summary>
    public Uri OtlpEndpoint => TraceViewerService.OtlpEndpoint(OtlpPort);

    /// <summary><c>OTEL_EXPORTER_OTLP_HEADERS</c>: <c>x-otlp-api-key=KEY</c>; without it OTLP is refused (401).</summary>
    public string OtlpHeaders => TraceViewerService.OtlpHeaders(_keys.OtlpKey);

    /// <summary>The key OTLP requests carry in <see cref="TraceViewerService.OtlpKeyHeader"/>.</summary>
    public string OtlpKey => _keys.OtlpKey;

    /// <summary>The key the telemetry API wants in <see cref="TraceViewerService.ApiKeyHeader"/>; this class's own requests send it.</summary>
    public string ApiKey => _keys.ApiKey;

    /// <summary>The token the UI logs a browser in with (<see cref="LoginUrl"/>).</summary>
    public string BrowserToken => _keys.BrowserToken;

    /// <summary>The UI's <c>/login?t=</c><see cref="BrowserToken"/>: opened in a browser, it logs in and shows the UI.</summary>
    public Uri LoginUrl => TraceViewerService.LoginUrl(UiPort, _keys.BrowserToken);

    /// <summary>
    /// What a service's environment needs to export here, exactly as <c>./platform up</c> gives the gateway and the
    /// replicas: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (http/protobuf) and
    /// <c>OTEL_EXPORTER_OTLP_HEADERS</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExporterEnvironment => TraceViewerService.Exporter(OtlpPort, _keys.OtlpKey);

    /// <summary>The viewer's process id (to freeze it: a collector that accepts connections and answers nothing).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The viewer has not started.");

    /// <summary>What the viewer wrote (its login URL is kept out of it).</summary>
    public OutputTail Output => _process?.Output ?? new OutputTail();

    /// <summary>Starts a viewer and waits until its UI answers; skips or fails the test when the build has no viewer.</summary>
    public static async Task<TraceViewer> StartAsync()
    {
        var program = RequiredServer.LocateBuilt(Program, "tools/TraceViewer");
        var viewer = new TraceViewer(ScratchDirectory.Create("platform-trace-viewer-"), FreePort.Next(), FreePort.Next(), TraceViewerKeys.Random());
        try
        {
            PrivateDirectory.Create(TraceViewerService.TempDirectory(viewer._home.Path));
            viewer._process = ChildProcess.Start(TraceViewerService.Start(
                Path.GetDirectoryName(program)!, viewer._home.Path, viewer.UiPort, viewer.OtlpPort, viewer._keys));
            await ReadinessProbe.WaitAsync(viewer._process, TraceViewerResource.Probe(viewer.UiPort), StartTimeout, "the trace viewer");
            return viewer;
        }
        catch
        {
            await viewer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// <c>GET /api/telemetry/traces</c>: the newest traces (up to <paramref name="limit"/>, the viewer's default 100),
    /// as OTLP JSON: <c>{"data":{"resourceSpans":[…]},"totalCount":…,"returnedCount":…}</c>.
    /// </summary>
    /// <param name="resource">Only traces a service of this name (<c>service.name</c>) took part in.</param>
    /// <param name="hasError">Only traces with (true) or without (false) an error.</param>
    public Task<JsonDocument> GetTracesAsync(string? resource = null, bool? hasError = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/telemetry/traces", [("resource", resource), ("hasError", Flag(hasError)), ("limit", Number(limit))], cancellationToken);

    /// <summary><c>GET /api/telemetry/traces/{traceId}</c>: every span of one trace, as OTLP JSON.</summary>
    /// <exception cref="HttpRequestException">The viewer holds no such trace (<see cref="HttpStatusCode.NotFound"/>), or answered otherwise than 200.</exception>
    public Task<JsonDocument> GetTraceAsync(string traceId, CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/telemetry/traces/" + Uri.EscapeDataString(traceId), [], cancellationToken);

    /// <summary><c>GET /api/telemetry/spans</c>: the newest spans (up to <paramref name="limit"/>, the viewer's default 200), as OTLP JSON.</summary>
    /// <param name="resource">Only a service's spans, by <c>service.name</c>; the viewer answers 404 for a name it has not seen.</param>
    /// <param name="traceId">Only one trace's spans.</param>
    /// <param name="hasError">Only spans with (true) or without (false) an error status.</param>
    public Task<JsonDocument> GetSpansAsync(string? resource = null, string? traceId = null, bool? hasError = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/telemetry/spans", [("resource", resource), ("traceId", traceId), ("hasError", Flag(hasError)), ("limit", Number(limit))], cancellationToken);

    /// <summary><c>GET /api/telemetry/logs</c>: the newest log records (up to <paramref name="limit"/>, the viewer's default 200), as OTLP JSON (<c>resourceLogs</c>).</summary>
    /// <param name="resource">Only a service's records, by <c>service.name</c>; 404 for a name it has not seen.</param>
    /// <param name="traceId">Only the records written inside one trace.</param>
    /// <param name="severity">This level and above: Trace, Debug, Information, Warning, Error, Critical.</param>
    public Task<JsonDocument> GetLogsAsync(string? resource = null, string? traceId = null, string? severity = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/telemetry/logs", [("resource", resource), ("traceId", traceId), ("severity", severity), ("limit", Number(limit))], cancellationToken);

    /// <summary>Waits until the viewer holds trace <paramref name="traceId"/> with at least <paramref name="minimumSpans"/> spans, and returns it.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/> (<see cref="DefaultWait"/> unless given); the message says what it held.</exception>
    public Task<JsonDocument> WaitForTraceAsync(string traceId, int minimumSpans = 1, TimeSpan? timeout = null) =>
        WaitAsync(
            async () =>
            {
                try
                {
                    return await GetTraceAsync(traceId);
                }
                catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
            },
            answer => TelemetrySpan.All(answer).Count >= minimumSpans,
            answer => $"trace {traceId} with {minimumSpans} span(s); held {(answer is null ? "no such trace" : $"{TelemetrySpan.All(answer).Count} span(s)")}",
            timeout);

    /// <summary>Waits until <see cref="GetSpansAsync"/> with these filters answers at least <paramref name="minimum"/> spans, and returns that answer.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/> (<see cref="DefaultWait"/> unless given).</exception>
    public Task<JsonDocument> WaitForSpansAsync(string? resource = null, string? traceId = null, int minimum = 1, TimeSpan? timeout = null) =>
        WaitAsync(
            () => NullWhenUnknown(() => GetSpansAsync(resource, traceId)),
            answer => TelemetrySpan.All(answer).Count >= minimum,
            answer => $"{minimum} span(s){Filters(resource, traceId)}; held {(answer is null ? "none of that service" : TelemetrySpan.All(answer).Count.ToString(CultureInfo.InvariantCulture))}",
            timeout);

    /// <summary>Waits until <see cref="GetLogsAsync"/> with these filters answers at least <paramref name="minimum"/> records, and returns that answer.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/> (<see cref="DefaultWait"/> unless given).</exception>
    public Task<JsonDocument> WaitForLogsAsync(string? resource = null, string? traceId = null, int minimum = 1, TimeSpan? timeout = null) =>
        WaitAsync(
            () => NullWhenUnknown(() => GetLogsAsync(resource, traceId)),
            answer => TelemetryLog.All(answer).Count >= minimum,
            answer => $"{minimum} log record(s){Filters(resource, traceId)}; held {(answer is null ? "none of that service" : TelemetryLog.All(answer).Count.ToString(CultureInfo.InvariantCulture))}",
            timeout);

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        _api.Dispose();
        _home.Delete();
    }

    public override string ToString() => $"the trace viewer at {UiBaseUrl} (OTLP {OtlpEndpoint})";

    private async Task<JsonDocument> GetJsonAsync(string path, IEnumerable<(string Name, string? Value)> query, CancellationToken cancellationToken)
    {
        var url = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in query.Where(parameter => parameter.Value is not null))
        {
            url.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value!));
            separator = '&';
        }

        using var response = await _api.GetAsync(new Uri(url.ToString(), UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}", null, response.StatusCode);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
    }

    // Polls until the answer satisfies the condition; each answer that does not is disposed.
    private static async Task<JsonDocument> WaitAsync(
        Func<Task<JsonDocument?>> ask, Func<JsonDocument, bool> holds, Func<JsonDocument?, string> describe, TimeSpan? timeout)
    {
        var limit = timeout ?? DefaultWait;
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var answer = await ask();
            if (answer is not null && holds(answer))
            {
                return answer;
            }

            if (stopwatch.Elapsed >= limit)
            {
                var seen = describe(answer);
                answer?.Dispose();
                throw new TimeoutException($"the trace viewer did not hold {seen} within {limit.TotalSeconds:0} s");
            }

            answer?.Dispose();
            await Task.Delay(PollInterval, TestContext.Current.CancellationToken);
        }
    }

    // A service that has sent nothing yet is a 404 to a resource filter: nothing so far, not a failure.
    private static async Task<JsonDocument?> NullWhenUnknown(Func<Task<JsonDocument>> ask)
    {
        try
        {
            return await ask();
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static string Filters(string? resource, string? traceId) =>
        (resource is null ? "" : $" of {resource}") + (traceId is null ? "" : $" in trace {traceId}");

    private static string? Flag(bool? value) => value is { } flag ? (flag ? "true" : "false") : null;

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}
