using Platform.Load.Runs;

namespace Platform.Load.Scenarios.Faults;

/// <summary>
/// SIGTERM one of the platform's servers at the fault's time, then <c>./platform up</c> after the hold
/// (its output goes in the report when it fails). What must hold is the subclass's verdict.
/// </summary>
public abstract class StopServerScenario(ScenarioPlan plan, string server) : Scenario(plan)
{
    /// <summary>When the server was sent SIGTERM, ms into the run.</summary>
    protected double TermMs { get; private set; }

    /// <summary>When <c>./platform up</c> started it again, ms into the run.</summary>
    protected double RestartMs { get; private set; }

    public override Task ArrangeAsync(ScenarioRun run)
    {
        run.At(Plan.FaultAtMs, async () =>
        {
            TermMs = run.Clock.ElapsedMs;
            run.Note($"SIGTERM {server}: {await run.Processes.SignalAsync(server, "TERM")}");
            await Task.Delay(TimeSpan.FromMilliseconds(Plan.FaultHoldMs));
            RestartMs = run.Clock.ElapsedMs;
            var (code, output) = await run.Processes.UpAsync();
            run.Note($"platform up exited {code} after {(run.Clock.ElapsedMs - RestartMs) / 1000:0.0} s");
            if (code != 0)
                run.Report.Sections.Add(("platform up output", $"```\n{output}\n```\n"));
        });
        return Task.CompletedTask;
    }
}
