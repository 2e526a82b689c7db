using System.Diagnostics;
using Platform.Topology.Faults;

namespace Platform.Deployment.Tests.Faults;

/// <summary>
/// The one freeze on a real process (a <c>sleep</c> standing in for a replica): kill -STOP really stops it
/// (/proc shows T), and it always runs again afterwards: after its hold, when the freeze is disposed in the
/// middle of one, when the code holding it throws, and when it is cancelled.
/// </summary>
public sealed class ProcessFreezeTests : IDisposable
{
    private readonly Process _replica = Process.Start(new ProcessStartInfo("sleep", ["60"]))!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private char? State() => ProcessFreeze.State(_replica.Id);

    /// <summary>Whether the process is seen stopped within 5 s (a busy machine may be slow to run it into its stop).</summary>
    private async Task<bool> SeenStoppedAsync()
    {
        for (var i = 0; i < 250; i++)
        {
            if (State() == 'T')
                return true;
            await Task.Delay(20, Cancellation);
        }

        return false;
    }

    [Fact]
    public async Task A_freeze_stops_the_process_for_its_hold_and_then_it_runs_again()
    {
        using var freeze = new ProcessFreeze(_replica.Id);

        var frozen = freeze.FreezeAsync(TimeSpan.FromMilliseconds(1000), Cancellation);
        var seen = await SeenStoppedAsync();
        var stopped = await frozen;

        Assert.True(seen);
        Assert.NotEqual('T', State());
        Assert.InRange(stopped, TimeSpan.FromMilliseconds(1000), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task Begin_returns_only_once_the_process_is_stopped_and_disposing_thaws_it_even_after_an_exception()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            using (await ProcessFreeze.BeginAsync(_replica.Id, Cancellation))
            {
                Assert.Equal('T', State());
                throw new InvalidOperationException("the test failed while the process was frozen");
            }
        });

        Assert.Equal("the test failed while the process was frozen", failure.Message);
        Assert.NotEqual('T', State());
    }

    [Fact]
    public async Task A_duty_cycle_is_bounded_by_its_hold_and_leaves_the_process_running()
    {
        using var freeze = new ProcessFreeze(_replica.Id);

        var cycle = await freeze.CycleAsync(TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(500), Cancellation);

        Assert.InRange(cycle.Cycles, 1, 5);
        Assert.InRange(cycle.StoppedShare, 0.2, 1);
        Assert.NotEqual('T', State());
    }

    [Fact]
    public async Task Disposing_in_the_middle_of_a_freeze_thaws_at_once_and_nothing_stops_it_again()
    {
        var freeze = new ProcessFreeze(_replica.Id);
        var cycle = freeze.CycleAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(3), Cancellation);
        Assert.True(await SeenStoppedAsync());

        freeze.Dispose();
        var afterDispose = State();
        await Task.Delay(500, Cancellation);

        Assert.NotEqual('T', afterDispose);
        Assert.NotEqual('T', State());
        Assert.Equal(1, (await cycle).Cycles);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => freeze.FreezeAsync(TimeSpan.FromMilliseconds(100), Cancellation));
        Assert.NotEqual('T', State());
    }

    [Fact]
    public async Task A_cancelled_freeze_thaws_the_process_before_it_throws()
    {
        using var freeze = new ProcessFreeze(_replica.Id);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        var frozen = freeze.FreezeAsync(TimeSpan.FromSeconds(30), cancel.Token);
        Assert.True(await SeenStoppedAsync());
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => frozen);
        Assert.NotEqual('T', State());
    }

    [Fact]
    public async Task A_process_that_is_gone_cannot_be_frozen_and_says_so()
    {
        _replica.Kill();
        await _replica.WaitForExitAsync(Cancellation);

        var failure = await Assert.ThrowsAsync<FaultInjectionException>(() => ProcessFreeze.BeginAsync(_replica.Id, Cancellation));
        Assert.Contains(_replica.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (!_replica.HasExited)
            _replica.Kill();
        _replica.WaitForExit();
        _replica.Dispose();
    }
}
