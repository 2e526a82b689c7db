using Platform.Load.Runs;
using Platform.Topology.Faults;

namespace Platform.Load.Scenarios.SlowFaults;

/// <summary>
/// A slow fault that stops api-2 with <c>kill -STOP</c>. Its freeze is made when the run is arranged, so
/// from then on a SIGINT, SIGTERM or SIGHUP to the generator thaws the replica, and so does disposing the run.
/// </summary>
public abstract class ReplicaStopScenario(ScenarioPlan plan) : SlowFaultScenario(plan)
{
    private ProcessFreeze? _freeze;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        if (run.Processes.RunningPid(Replica) is { } pid)
            _freeze = run.Owns(new ProcessFreeze(pid));
        return base.ArrangeAsync(run);
    }

    protected override async Task<string?> InjectAsync(ScenarioRun run, TimeSpan hold)
    {
        if (_freeze is null)
            return $"{Replica} has no pid";
        try
        {
            return await StopAsync(run, _freeze, hold);
        }
        catch (Exception e) when (e is FaultInjectionException or ObjectDisposedException)
        {
            // Not sent, not seen stopped, or the run was interrupted first: the replica was not frozen as planned.
            run.Note($"kill -STOP {Replica} failed: {e.Message}");
            return $"kill -STOP {Replica} failed";
        }
    }

    /// <summary>Stops the replica as this fault does, for <paramref name="hold"/>; returns why it failed, or null.</summary>
    protected abstract Task<string?> StopAsync(ScenarioRun run, ProcessFreeze freeze, TimeSpan hold);
}
