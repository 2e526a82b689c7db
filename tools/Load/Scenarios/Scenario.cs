using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Load.Workload;
using Platform.Topology.Files;

namespace Platform.Load.Scenarios;

/// <summary>
/// One scenario: its <see cref="Plan"/> and what it does besides sending its users' traffic. The runner
/// calls, in order, <see cref="ArrangeAsync"/> when the clock starts, <see cref="SendAsync"/>,
/// <see cref="FinishAsync"/> once the traffic and everything beside it stopped, then
/// <see cref="Judge"/>. An object is one run: it keeps what it arranged for its judgement, so the
/// catalog makes a new one each time it is asked.
/// </summary>
public abstract class Scenario(ScenarioPlan plan)
{
    public ScenarioPlan Plan { get; } = plan;

    /// <summary>How long the audit waits for the outbox relay to publish every event.</summary>
    public virtual TimeSpan OutboxCatchUp => TimeSpan.FromSeconds(30);

    /// <summary>Who sends before the clock starts (not recorded): by default 20 users of the load client's mix.</summary>
    public virtual IReadOnlyList<UserGroup> WarmUpGroups => [new UserGroup(BenchClients.Load, 20)];

    /// <summary>Starts what runs beside the traffic (samplers, the fault at its time) and adds or moves users.</summary>
    public virtual Task ArrangeAsync(ScenarioRun run) => Task.CompletedTask;

    /// <summary>The traffic: every user on its schedule until the plan's duration, or until the run is stopped.</summary>
    public virtual Task SendAsync(ScenarioRun run) => run.Driver.RunAsync(run.Users, Plan.DurationMs, run.StopRun.Token);

    /// <summary>After the traffic and everything beside it stopped, before the judgement.</summary>
    public virtual Task FinishAsync(ScenarioRun run) => Task.CompletedTask;

    /// <summary>Whether a record of the log is one of the run's requests (in the tables, the files and the judgement).</summary>
    public virtual bool Counts(RequestRecord record) => true;

    /// <summary>Adds the scenario's verdicts, and any sections and files of its own, to the report.</summary>
    public abstract void Judge(RunResult result, Report report);

    /// <summary>What <see cref="ArrangeAsync"/> set up for the judgement; judging a run never arranged is a bug.</summary>
    protected static T Arranged<T>(T? value) where T : class => value ?? throw new InvalidOperationException("judged before it was arranged");
}
