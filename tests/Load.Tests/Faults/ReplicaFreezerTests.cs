using System.Diagnostics;
using Platform.Load.Faults;

namespace Platform.Load.Tests.Faults;

/// <summary>
/// The freezer on a real process (a <c>sleep</c> standing in for a replica): kill -STOP really stops it,
/// and it always runs again afterwards, also when the freezer is dropped in the middle of a freeze.
/// </summary>
public sealed class ReplicaFreezerTests : IDisposable
{
    private readonly Process _replica = Process.Start(new ProcessStartInfo("sleep", ["60"]))!;

    /// <summary>The process state from /proc: T while stopped.</summary>
    private char State() => File.ReadAllText($"/proc/{_replica.Id}/stat").Split(") ")[1][0];

    /// <summary>Whether the process is seen stopped within 5 s (starting <c>kill</c> can be slow on a busy machine).</summary>
    private async Task<bool> SeenStoppedAsync()
    {
        for (var i = 0; i < 250; i++)
        {
            if (State() == 'T')
                return true;
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return false;
    }

    [Fact]
    public async Task A_freeze_stops_the_process_for_its_hold_and_then_it_runs_again()
    {
        using var freezer = new ReplicaFreezer("api-2", _replica.Id);

        var freeze = freezer.FreezeAsync(TimeSpan.FromMilliseconds(1000));
        var seen = await SeenStoppedAsync();
        var stopped = await freeze;

        Assert.True(seen);
        Assert.NotEqual('T', State());
        Assert.InRange(stopped!.Value, 1000, 6_000);
    }

    [Fact]
    public async Task A_duty_cycle_is_bounded_by_its_hold_and_leaves_the_process_running()
    {
        using var freezer = new ReplicaFreezer("api-2", _replica.Id);

        var cycle = await freezer.CycleAsync(TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(500));

        Assert.InRange(cycle.Cycles, 1, 5);
        Assert.InRange(cycle.StoppedShare, 0.2, 1);
        Assert.NotEqual('T', State());
    }

    [Fact]
    public async Task Disposing_in_the_middle_of_a_freeze_thaws_at_once_and_nothing_stops_it_again()
    {
        var freezer = new ReplicaFreezer("api-2", _replica.Id);
        var cycle = freezer.CycleAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(3));
        Assert.True(await SeenStoppedAsync());

        freezer.Dispose();
        var afterDispose = State();
        await Task.Delay(500, TestContext.Current.CancellationToken);

        Assert.NotEqual('T', afterDispose);
        Assert.NotEqual('T', State());
        Assert.Equal(1, (await cycle).Cycles);
    }

    public void Dispose()
    {
        _replica.Kill();
        _replica.WaitForExit();
        _replica.Dispose();
    }
}
