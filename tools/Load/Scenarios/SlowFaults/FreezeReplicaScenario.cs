using System.Globalization;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;

namespace Platform.Load.Scenarios.SlowFaults;

/// <summary>api-2 frozen (<c>kill -STOP</c>) for the hold, then thawed: no safe request fails, none waits past the ceiling.</summary>
public sealed class FreezeReplicaScenario(ScenarioPlan plan) : ReplicaStopScenario(plan)
{
    protected override async Task<string?> StopAsync(ScenarioRun run, ReplicaFreezer freezer, TimeSpan hold)
    {
        run.Note(string.Create(CultureInfo.InvariantCulture, $"kill -STOP {Replica} (pid {freezer.Pid}) for {hold.TotalSeconds:0} s"));
        var stopped = await freezer.FreezeAsync(hold);
        run.Note(stopped is { } ms ? string.Create(CultureInfo.InvariantCulture, $"kill -CONT {Replica}: stopped {ms / 1000:0.00} s") : $"kill -STOP {Replica} failed");
        return stopped is null ? $"kill -STOP {Replica} failed" : null;
    }

    protected override IEnumerable<Verdict> FaultVerdicts(IReadOnlyCollection<RequestRecord> records) => SlowFaultVerdicts.FreezeReplica(records);
}
