using System.Runtime.InteropServices;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Topology;

/// <summary>
/// A server <c>up</c> starts outlives the command, so it must not keep what the command's caller had open:
/// a lock file held by <c>flock ./platform up</c> would stay locked, and a pipe a CI step reads would never
/// reach its end, for as long as the servers run.
/// </summary>
public sealed partial class LauncherTests : IDisposable
{
    private readonly ScratchDirectory _state = ScratchDirectory.Create("platform-launcher-");

    public void Dispose() => _state.Delete();

    [Fact]
    public async Task A_started_server_holds_none_of_the_descriptors_its_caller_left_open()
    {
        var held = _state.Combine("caller.lock");
        using var file = File.Create(held);
        // .NET opens files close-on-exec; dup(2) gives a copy without it, as a shell's redirection would.
        var inherited = Dup((int)file.SafeFileHandle.DangerousGetHandle());
        Assert.True(inherited > 2, $"dup failed: {Marshal.GetLastPInvokeError()}");
        int? pid = null;
        try
        {
            var launcher = new Launcher(new ProcessTable(new StateLayout(RepositoryRoot.Path, _state.Path)), new Narrator(TextWriter.Null, TextWriter.Null));
            pid = launcher.StartDetached("sleeper", new ServiceCommand("sleep", ["30"]), 0);

            await Eventually.AssertAsync(() => Task.FromResult(Path.GetFileName(ReadLink($"/proc/{pid}/exe")) == "sleep"), TimeSpan.FromSeconds(5),
                "the server never started");
            var open = Directory.EnumerateFiles($"/proc/{pid}/fd").Select(ReadLink).ToList();
            Assert.DoesNotContain(held, open);
        }
        finally
        {
            Close(inherited);
            if (pid is { } started)
                Signals.TrySend(started, Signals.Kill);
        }
    }

    private static string ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
