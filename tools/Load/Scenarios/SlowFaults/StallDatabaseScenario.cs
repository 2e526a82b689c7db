using System.Globalization;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Topology.Faults;
using Platform.Topology.Services;

namespace Platform.Load.Scenarios.SlowFaults;

/// <summary>
/// MariaDB under a global read lock for the hold (a backup's stall): creates refused fast, reads all
/// served, creates succeed soon after the unlock. The fault begins when the lock is held, not when it was asked for.
/// </summary>
public sealed class StallDatabaseScenario(ScenarioPlan plan) : SlowFaultScenario(plan)
{
    private static readonly TimeSpan StallBoundSlack = TimeSpan.FromSeconds(30);

    protected override string? Ejected => null;

    protected override async Task<string?> InjectAsync(ScenarioRun run, TimeSpan hold)
    {
        var socket = run.Settings.Platform.Layout.MariaDbSocket;
        run.Note(string.Create(CultureInfo.InvariantCulture, $"FLUSH TABLES WITH READ LOCK as root over {Path.GetFileName(socket)}, held {hold.TotalSeconds:0} s"));
        try
        {
            // Released after the hold; the bound only frees the server if the generator hangs.
            await using var stall = await DatabaseStall.BeginAsync(MariaDbService.RootConnectionString(MariaDbService.Root(run.Settings.Platform.Layout)), hold + StallBoundSlack);
            FaultMs = run.Clock.ElapsedMs;
            await Task.Delay(hold);
            await stall.ReleaseAsync();
            run.Note(string.Create(CultureInfo.InvariantCulture,
                $"global read lock released (its session killed): it took {stall.TakeTime.TotalMilliseconds:0} ms to take and was held from {FaultMs / 1000:0.0} s to {run.Clock.ElapsedMs / 1000:0.0} s"));
            return null;
        }
        catch (FaultInjectionException ex)
        {
            run.Note($"the database stall failed: {ex.Message}");
            return $"the global read lock was not held as planned ({ex.Message})";
        }
    }

    protected override IEnumerable<Verdict> FaultVerdicts(IReadOnlyCollection<RequestRecord> records) => SlowFaultVerdicts.StallDatabase(records, EndMs);
}
