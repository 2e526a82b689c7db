using Platform.Load.Faults;
using Platform.Load.Runs;
using Platform.Topology.Processes;

namespace Platform.Load.Scenarios.Faults;

/// <summary>
/// SIGTERM one of the platform's servers at the fault's time, then the platform's <c>up</c>, in this
/// process, after the hold (what it said goes in the report when it fails). What must hold is the subclass's verdict.
/// </summary>
public abstract class StopServerScenario(ScenarioPlan plan, string server) : Scenario(plan)
{
    /// <summary>When the server was sent SIGTERM, ms into the run.</summary>
    protected double TermMs { get; private set; }

    /// <summary>When <c>up</c> started it again, ms into the run.</summary>
    protected double RestartMs { get; private set; }

    public override Task ArrangeAsync(ScenarioRun run)
    {
        run.At(Plan.FaultAtMs, async () =>
        {
            TermMs = run.Clock.ElapsedMs;
            run.Note($"SIGTERM {server}: {run.Processes.RunningPid(server) is { } pid && Signals.TrySend(pid, Signals.Terminate)}");
            await Task.Delay(TimeSpan.FromMilliseconds(Plan.FaultHoldMs));
            RestartMs = run.Clock.ElapsedMs;
            var (code, output) = await PlatformRestart.UpAsync(run.Settings.Platform);
            run.Note($"platform up exited {code} after {(run.Clock.ElapsedMs - RestartMs) / 1000:0.0} s");
            if (code != 0)
                run.Report.Sections.Add(("platform up output", $"```\n{output}\n```\n"));
        });
        return Task.CompletedTask;
    }
}
