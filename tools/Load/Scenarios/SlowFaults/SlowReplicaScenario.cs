using System.Globalization;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Topology.Faults;

namespace Platform.Load.Scenarios.SlowFaults;

/// <summary>api-2 stopped 150 ms of every 200 ms for the hold: no GET fails, and their p99 at most doubles.</summary>
public sealed class SlowReplicaScenario(ScenarioPlan plan) : ReplicaStopScenario(plan)
{
    private static readonly TimeSpan Stopped = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Running = TimeSpan.FromMilliseconds(50);

    protected override async Task<string?> StopAsync(ScenarioRun run, ProcessFreeze freeze, TimeSpan hold)
    {
        run.Note(string.Create(CultureInfo.InvariantCulture,
            $"{Replica} (pid {freeze.ProcessId}): kill -STOP, {Stopped.TotalMilliseconds:0} ms, kill -CONT, {Running.TotalMilliseconds:0} ms, for {hold.TotalSeconds:0} s"));
        var cycle = await freeze.CycleAsync(Stopped, Running, hold);
        run.Note(string.Create(CultureInfo.InvariantCulture,
            $"{Replica} thawed: {cycle.Cycles} cycles over {cycle.ElapsedMs / 1000:0.00} s, stopped {cycle.StoppedMs / 1000:0.00} s of it ({cycle.StoppedShare:P0})"));
        return cycle.Cycles == 0 ? $"kill -STOP {Replica} failed" : null;
    }

    /// <summary>
    /// No GET fails or waits past the ceiling, in every run; the p99 ratio only in a full run. A short
    /// run's p99 is the 10th slowest of 1,000 GETs each side, which the three requests sent to api-2
    /// before it is ejected (hedged at about 20 ms) and any second of a busy machine decide: speed is
    /// judged by the full run (2,000 each side), as BENCHMARKS.md records it.
    /// </summary>
    protected override IEnumerable<Verdict> FaultVerdicts(IReadOnlyCollection<RequestRecord> records) =>
        Plan.IsShort
            ? [SlowFaultVerdicts.SlowReplicaGets(records)]
            : [SlowFaultVerdicts.SlowReplicaGets(records), SlowFaultVerdicts.SlowReplica(records, FaultMs, Plan.FaultHoldMs)];
}
