using System.Globalization;
using System.Net;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Files;
using Platform.Topology.Operations;
using Platform.Topology.Processes;
using Platform.Topology.Resources;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Tracing;

/// <summary>
/// The trace viewer as one of <c>up</c>'s resources, started alone the way <c>up</c> starts each resource
/// (<see cref="ResourceRunner"/>) in a throwaway platform's state directory, then seen and stopped through the
/// command line: <c>status</c> lists it on its port, <c>down</c> leaves no viewer process, and its keys and a
/// browser's login outlive a restart. The whole platform's <c>up</c> starting it, locked to its keys, is checked
/// by <c>SecondUserTests</c>, which runs one anyway; the replicas <c>scale</c> starts exporting to it, by <c>ScaleTests</c>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TraceViewerResourceTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_lists_it_on_its_port_down_stops_it_and_it_starts_again_with_the_same_keys_and_logins()
    {
        await using var platform = new LocalPlatform();
        var layout = new StateLayout(RepositoryRoot.Path, platform.StateDirectory);
        await StartViewerAsync(platform);
        var keys = TraceViewerKeys.Ensure(layout.TraceViewerKeys);
        foreach (var file in (string[])[TraceViewerKeys.BrowserTokenFile, TraceViewerKeys.OtlpKeyFile, TraceViewerKeys.ApiKeyFile])
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(layout.TraceViewerKeys, file)));

        var ui = platform.TraceViewerAddress;
        var otlpPort = int.Parse(platform.Setting(PlatformVariables.TraceViewerOtlpPort), CultureInfo.InvariantCulture);
        var row = Row(await platform.RunOrFailAsync("status"));
        Assert.Equal(["trace-viewer", ui.Port.ToString(CultureInfo.InvariantCulture), "running", "HTTP", "200;", "OTLP", $":{otlpPort}", "HTTP", "200"], row.Where((_, i) => i != 1));
        var pid = int.Parse(row[1], CultureInfo.InvariantCulture);

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = ui };
        Assert.Equal(HttpStatusCode.Redirect, await StatusAsync(browser, "traces"));
        Assert.Equal(HttpStatusCode.Redirect, await StatusAsync(browser, TraceViewerService.LoginUrl(ui.Port, keys.BrowserToken).PathAndQuery.TrimStart('/')));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(browser, "traces"));

        var down = await platform.RunOrFailAsync("down");
        Assert.Contains($"stopping trace-viewer (pid {pid})", down, StringComparison.Ordinal);
        Assert.False(ProcessTable.IsAlive(pid, Path.Combine(layout.TraceViewerApp, TraceViewerService.Program)), "the trace viewer outlived down");
        Assert.Equal(["trace-viewer", "-", ui.Port.ToString(CultureInfo.InvariantCulture), "stopped", "-"], Row(await platform.RunOrFailAsync("status")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(TraceViewerService.TempDirectory(layout.TraceViewerHome)));

        // Started again: the same keys, and the browser's cookie still logs it in (its signing keys are in the viewer's home).
        await StartViewerAsync(platform);
        Assert.Equal(keys, TraceViewerKeys.Ensure(layout.TraceViewerKeys));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(browser, "traces"));
    }

    private static async Task StartViewerAsync(LocalPlatform platform)
    {
        var context = new ResourceContext(platform.Settings(), Narrator.Silent);
        await new ResourceRunner(context).StartAsync(new TraceViewerResource(context));
    }

    private static string[] Row(string status) =>
        Assert.Single(status.Split('\n'), line => line.StartsWith(ProcessNames.TraceViewer + " ", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        return response.StatusCode;
    }
}
