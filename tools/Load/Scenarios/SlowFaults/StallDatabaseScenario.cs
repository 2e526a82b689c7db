using System.Globalization;
using MySqlConnector;
using Platform.Load.Faults;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;

namespace Platform.Load.Scenarios.SlowFaults;

/// <summary>
/// MariaDB under a global read lock for the hold (a backup's stall): creates refused fast, reads all
/// served, creates succeed soon after the unlock. The fault begins when the lock is held, not when it was asked for.
/// </summary>
public sealed class StallDatabaseScenario(ScenarioPlan plan) : SlowFaultScenario(plan)
{
    protected override string? Ejected => null;

    protected override async Task<string?> InjectAsync(ScenarioRun run, TimeSpan hold)
    {
        var socket = run.Settings.Platform.Layout.MariaDbSocket;
        run.Note(string.Create(CultureInfo.InvariantCulture, $"FLUSH TABLES WITH READ LOCK as root over {Path.GetFileName(socket)}, held by SELECT SLEEP({hold.TotalSeconds:0})"));
        try
        {
            var times = await DatabaseStall.HoldAsync(socket, hold, run.Clock);
            FaultMs = times.LockedMs;
            run.Note(string.Create(CultureInfo.InvariantCulture,
                $"UNLOCK TABLES: the lock took {times.TakeMs:0} ms to take and was held from {times.LockedMs / 1000:0.0} s to {times.UnlockedMs / 1000:0.0} s"));
            return null;
        }
        catch (MySqlException ex)
        {
            run.Note($"the database stall failed: {ex.Message}");
            return $"the global read lock was not held ({ex.Message})";
        }
    }

    protected override IEnumerable<Verdict> FaultVerdicts(IReadOnlyCollection<RequestRecord> records) => SlowFaultVerdicts.StallDatabase(records, EndMs);
}
