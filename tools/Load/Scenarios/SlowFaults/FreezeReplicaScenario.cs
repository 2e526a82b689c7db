using System.Globalization;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Topology.Faults;

namespace Platform.Load.Scenarios.SlowFaults;

/// <summary>api-2 frozen (<c>kill -STOP</c>) for the hold, then thawed: no safe request fails, none waits past the ceiling.</summary>
public sealed class FreezeReplicaScenario(ScenarioPlan plan) : ReplicaStopScenario(plan)
{
    protected override async Task<string?> StopAsync(ScenarioRun run, ProcessFreeze freeze, TimeSpan hold)
    {
        run.Note(string.Create(CultureInfo.InvariantCulture, $"kill -STOP {Replica} (pid {freeze.ProcessId}) for {hold.TotalSeconds:0} s"));
        var stopped = await freeze.FreezeAsync(hold);
        run.Note(string.Create(CultureInfo.InvariantCulture, $"kill -CONT {Replica}: stopped {stopped.TotalSeconds:0.00} s"));
        return null;
    }

    protected override IEnumerable<Verdict> FaultVerdicts(IReadOnlyCollection<RequestRecord> records) => SlowFaultVerdicts.FreezeReplica(records);
}
