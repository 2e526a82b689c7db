using Platform.Load.Faults;
using Platform.Load.Runs;

namespace Platform.Load.Scenarios.SlowFaults;

/// <summary>
/// A slow fault that stops api-2 with <c>kill -STOP</c>. Its freezer is made when the run is arranged, so
/// from then on a SIGINT, SIGTERM or SIGHUP to the generator thaws the replica, and so does disposing the run.
/// </summary>
public abstract class ReplicaStopScenario(ScenarioPlan plan) : SlowFaultScenario(plan)
{
    private ReplicaFreezer? _freezer;

    public override Task ArrangeAsync(ScenarioRun run)
    {
        if (run.Processes.RunningPid(Replica) is { } pid)
            _freezer = run.Owns(new ReplicaFreezer(Replica, pid));
        return base.ArrangeAsync(run);
    }

    protected override Task<string?> InjectAsync(ScenarioRun run, TimeSpan hold) =>
        _freezer is null ? Task.FromResult<string?>($"{Replica} has no pid") : StopAsync(run, _freezer, hold);

    /// <summary>Stops the replica as this fault does, for <paramref name="hold"/>; returns why it failed, or null.</summary>
    protected abstract Task<string?> StopAsync(ScenarioRun run, ReplicaFreezer freezer, TimeSpan hold);
}
