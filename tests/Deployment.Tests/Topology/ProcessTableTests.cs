using System.Globalization;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Processes;

namespace Platform.Deployment.Tests.Topology;

/// <summary>
/// Pid files are trusted only as far as the process they name is ours: a stale file whose pid now belongs
/// to something else, or a spoiled one, counts as not running and is cleared, so down never signals a stranger.
/// </summary>
public sealed class ProcessTableTests : IDisposable
{
    private readonly ScratchDirectory _state = ScratchDirectory.Create("platform-pids-");

    private ProcessTable Table => new(new StateLayout(Platform.Topology.RepositoryRoot.Path, _state.Path));

    public void Dispose() => _state.Delete();

    [Theory]
    [InlineData("not a pid")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("99999999999")]
    [InlineData("")]
    public void A_spoiled_pid_file_is_not_running_and_is_cleared(string content)
    {
        Table.Record(ProcessNames.Redis, 1, 6379);
        File.WriteAllText(Table.PidFile(ProcessNames.Redis), content);

        Assert.Null(Table.RunningPid(ProcessNames.Redis));
        Assert.False(File.Exists(Table.PidFile(ProcessNames.Redis)));
        Assert.False(File.Exists(Table.PortFile(ProcessNames.Redis)));
        Assert.Equal(6379, Table.RecordedPort(ProcessNames.Redis, 6379));
    }

    [Fact]
    public void A_pid_that_now_belongs_to_another_program_is_not_ours()
    {
        // This test's own process is alive, but it is not mariadbd.
        Table.Record(ProcessNames.MariaDb, Environment.ProcessId, 3306);
        Assert.Null(Table.RunningPid(ProcessNames.MariaDb));
        Assert.Empty(Table.Names());
    }

    [Fact]
    public async Task A_live_process_with_the_signature_is_running_on_its_recorded_port()
    {
        // A stand-in whose command line carries the gateway's signature (its assembly's name).
        await using var stand = ChildProcess.Start("sh", ["-c", "sleep 30", "Platform.Gateway.dll"]);
        Table.Record(ProcessNames.Gateway, stand.Id, 18080);

        Assert.Equal(stand.Id, Table.RunningPid(ProcessNames.Gateway));
        Assert.Equal(18080, Table.RecordedPort(ProcessNames.Gateway, 8080));
        Assert.Equal([ProcessNames.Gateway], Table.Names());
        Assert.Equal(stand.Id.ToString(CultureInfo.InvariantCulture), File.ReadAllText(Table.PidFile(ProcessNames.Gateway)).Trim());
    }

    [Theory]
    [InlineData("api-1", 1)]
    [InlineData("api-42", 42)]
    [InlineData("api-0", null)]
    [InlineData("api-", null)]
    [InlineData("api--1", null)]
    [InlineData("api-1x", null)]
    [InlineData("gateway", null)]
    public void Only_api_N_names_a_replica(string name, int? number) => Assert.Equal(number, ProcessNames.ReplicaNumber(name));
}
