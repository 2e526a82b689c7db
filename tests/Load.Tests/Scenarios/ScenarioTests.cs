using Platform.Load.Cli;
using Platform.Load.Scenarios;
using Platform.Load.Workload;

namespace Platform.Load.Tests.Scenarios;

public sealed class ScenarioTests
{
    [Theory]
    [InlineData("baseline", 10, 60)]
    [InlineData("load-50-users", 50, 180)]
    [InlineData("load-100-users", 100, 180)]
    [InlineData("sustained-10m", 100, 600)]
    [InlineData("spike", 100, 130)]
    [InlineData("stress", 200, 200)]
    [InlineData("endurance", 50, 3600)]
    [InlineData("noisy-neighbour", 460, 120)]
    [InlineData("fault-pool-exhaustion", 900, 30)]
    public void Shapes_have_their_users_and_length(string name, int users, double seconds)
    {
        var scenario = ScenarioCatalog.Find(name, isShort: false)!.Plan;
        Assert.Equal(users, scenario.PeakUsers);
        Assert.Equal(seconds * 1000, scenario.DurationMs);
    }

    [Fact]
    public void Short_is_a_tenth_with_ramps_scaled_and_faults_kept_at_60_s()
    {
        Assert.Equal(6_000, ScenarioCatalog.Find("baseline", true)!.Plan.DurationMs);
        Assert.Equal(360_000, ScenarioCatalog.Find("endurance", true)!.Plan.DurationMs);
        Assert.Equal(3_000, ScenarioCatalog.Find("fault-pool-exhaustion", true)!.Plan.DurationMs);
        var spike = ScenarioCatalog.Find("spike", true)!.Plan;
        Assert.Equal(13_000, spike.DurationMs);
        Assert.Equal(1_000, spike.Groups[0].RampMs);
        var kill = ScenarioCatalog.Find("fault-kill-replica", true)!.Plan;
        Assert.Equal(60_000, kill.DurationMs);
        Assert.Equal(20_000, kill.FaultAtMs);
        Assert.True(ScenarioCatalog.All(true).All(s => s.Plan.IsShort));
        Assert.All(ScenarioCatalog.All(true), s => Assert.Equal(3_000, s.Plan.WarmUpMs));
        Assert.All(ScenarioCatalog.All(false), s => Assert.Equal(10_000, s.Plan.WarmUpMs));
    }

    [Theory]
    [InlineData("fault-freeze-replica", 130, 60, 20, 20, 30, 10, 10)]
    [InlineData("fault-slow-replica", 100, 45, 20, 20, 35, 20, 10)]
    [InlineData("fault-stall-database", 40, 45, 15, 12, 30, 10, 8)]
    public void Slow_faults_have_short_versions_of_their_own_each_under_45_s_with_its_warm_up(
        string name, int perSecond, double seconds, double faultAt, double hold, double shortSeconds, double shortFaultAt, double shortHold)
    {
        var full = ScenarioCatalog.Find(name, isShort: false)!.Plan;
        var brief = ScenarioCatalog.Find(name, isShort: true)!.Plan;

        Assert.Equal(perSecond, full.PeakUsers);
        Assert.All(full.Groups, g => Assert.Equal(1000, g.IntervalMs));
        Assert.Equal((seconds * 1000, faultAt * 1000, hold * 1000), (full.DurationMs, full.FaultAtMs, full.FaultHoldMs));
        Assert.Equal((shortSeconds * 1000, shortFaultAt * 1000, shortHold * 1000), (brief.DurationMs, brief.FaultAtMs, brief.FaultHoldMs));
        Assert.True(brief.WarmUpMs + brief.DurationMs <= 45_000);
        Assert.Contains($"for {shortHold:0} s", brief.Shape, StringComparison.Ordinal);
        Assert.Contains($"for {hold:0} s", full.Shape, StringComparison.Ordinal);
        // The window the slow replica's p99 is compared with, just before the fault, is as long as the fault.
        Assert.True(brief.FaultAtMs >= brief.FaultHoldMs && brief.FaultAtMs + brief.FaultHoldMs < brief.DurationMs);
    }

    [Fact]
    public void The_frozen_replica_gets_health_checks_keyed_and_unkeyed_creates_and_the_stalled_database_creates_and_reads()
    {
        static IEnumerable<(RequestKind, int)> Rates(string name) => ScenarioCatalog.Find(name, false)!.Plan.Groups.Select(g => (g.Sends, g.Users));

        Assert.Equal([(RequestKind.Health, 100), (RequestKind.KeyedCreate, 20), (RequestKind.Create, 10)], Rates("fault-freeze-replica"));
        Assert.Equal([(RequestKind.Health, 100)], Rates("fault-slow-replica"));
        Assert.Equal([(RequestKind.Create, 20), (RequestKind.Read, 10), (RequestKind.Availability, 10)], Rates("fault-stall-database"));
        Assert.All(ScenarioCatalog.Find("baseline", false)!.Plan.Groups, g => Assert.Equal(RequestKind.Mix, g.Sends));
    }

    [Fact]
    public void Spike_ramps_linearly_and_stress_adds_10_users_every_step()
    {
        var spike = ScenarioCatalog.Find("spike", false)!.Plan.Groups[0];
        Assert.Equal(0, spike.StartMs(0));
        // User 50 of 100 joins in second 5, at its own phase, 50/100 of the second.
        Assert.Equal(5_500, spike.StartMs(50));
        Assert.Equal(50, spike.ActiveAt(4_999));
        Assert.Equal(100, spike.ActiveAt(10_000));
        var stress = ScenarioCatalog.Find("stress", false)!.Plan.Groups[0];
        Assert.Equal(10, stress.ActiveAt(999));
        Assert.Equal(20, stress.ActiveAt(10_999));
        Assert.Equal(200, stress.ActiveAt(200_000));
        Assert.All(Enumerable.Range(0, 10), i => Assert.InRange(stress.StartMs(i), 0, 999));
    }

    [Fact]
    public void Ramped_users_each_send_at_their_own_phase_so_arrivals_stay_even()
    {
        foreach (var (name, users) in new[] { ("spike", 100), ("stress", 200) })
        {
            var group = ScenarioCatalog.Find(name, false)!.Plan.Groups[0];
            var phases = Enumerable.Range(0, users).Select(i => group.StartMs(i) % group.IntervalMs).ToList();
            Assert.Equal(users, phases.Distinct().Count());
            Assert.Equal(group.IntervalMs / users, phases.Order().Zip(phases.Order().Skip(1), (a, b) => b - a).Min(), 6);
        }
    }

    [Fact]
    public void Constant_users_spread_their_first_requests_across_the_first_second()
    {
        var group = ScenarioCatalog.Find("baseline", false)!.Plan.Groups[0];
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 100.0), Enumerable.Range(0, 10).Select(group.StartMs));
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("--long")]
    [InlineData("-s")]
    [InlineData("baseline", "spike")]
    public void Bad_arguments_are_usage_errors(params string[] args)
    {
        var (parsed, error) = Arguments.Parse(args);
        Assert.Null(parsed);
        Assert.NotNull(error);
    }

    [Fact]
    public void Good_arguments_parse_and_the_list_names_every_scenario()
    {
        Assert.Equal(new Arguments("stress", true), Arguments.Parse(["stress", "--short"]).Parsed);
        Assert.Equal(new Arguments(null, false), Arguments.Parse([]).Parsed);
        Assert.All(ScenarioCatalog.Names, n => Assert.Contains(n, Usage.Text(), StringComparison.Ordinal));
    }

    private static readonly string[] UnknownScenario = ["no-such-scenario"];
    private static readonly string[] UnknownOption = ["baseline", "--fast"];

    [Fact]
    public void The_program_exits_64_on_an_unknown_scenario_or_option_and_0_with_the_list()
    {
        var entry = typeof(Arguments).Assembly.EntryPoint!;
        var error = Console.Error;
        var output = Console.Out;
        try
        {
            Console.SetError(TextWriter.Null);
            Console.SetOut(TextWriter.Null);
            Assert.Equal(64, (int)entry.Invoke(null, [UnknownScenario])!);
            Assert.Equal(64, (int)entry.Invoke(null, [UnknownOption])!);
            Assert.Equal(0, (int)entry.Invoke(null, [Array.Empty<string>()])!);
        }
        finally
        {
            Console.SetError(error);
            Console.SetOut(output);
        }
    }
}
