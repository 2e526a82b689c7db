using System.Globalization;
using Platform.Load.Scenarios.Faults;
using Platform.Load.Scenarios.SlowFaults;
using Platform.Load.Workload;
using Platform.Topology.Files;

namespace Platform.Load.Scenarios;

/// <summary>
/// Every scenario and its shape. <c>--short</c> runs each at a tenth of its length (durations, ramps,
/// holds and windows scaled); fault scenarios keep at least 60 s so that a 10 s outage and the
/// recovery after it fit, and the pool-exhaustion burst is 3 s. The slow faults (a frozen replica, a
/// slow one, a stalled database) have short versions of their own, each under 45 s with its warm-up
/// (freeze 10 s, slow 10 s, stall 8 s), since the test suite runs them; the slow replica's short run
/// starts its fault at 20 s, so that the window it is compared with leaves out the run's first 10 s,
/// when a fresh platform is still compiling its request paths. Every scenario starts with 10 s
/// of unrecorded warm-up (3 s when short).
/// </summary>
public static class ScenarioCatalog
{
    private const double Second = 1000;
    private const double ShortFactor = 0.1;
    private const double FaultShortFloorMs = 60 * Second;

    /// <summary>The scenarios' names, in the order of the list <c>./platform bench</c> prints.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All(isShort: false).Select(s => s.Plan.Name)];

    /// <summary>The scenario named <paramref name="name"/>, new (one object per run: it keeps what it arranges), or null.</summary>
    public static Scenario? Find(string name, bool isShort) => All(isShort).SingleOrDefault(s => s.Plan.Name == name);

    /// <summary>Every scenario, each a new object.</summary>
    public static IReadOnlyList<Scenario> All(bool isShort)
    {
        var f = isShort ? ShortFactor : 1.0;
        double S(double seconds) => seconds * Second * f;
        double Fault(double seconds) => isShort ? Math.Max(FaultShortFloorMs, S(seconds)) : seconds * Second;
        double Slow(double seconds, double shortSeconds) => (isShort ? shortSeconds : seconds) * Second;
        ScenarioPlan Plan(string name, string shape, double durationMs, IReadOnlyList<UserGroup> groups) =>
            new(name, shape, durationMs, groups, IsShort: isShort, WarmUpMs: isShort ? 3 * Second : 10 * Second);
        UserGroup[] Calm(int users) => [.. BenchClients.CalmClients.Select(client => new UserGroup(client, users))];
        ScenarioPlan Constant(string name, int users, double durationMs, string shape) => Plan(name, shape, durationMs, [new UserGroup(BenchClients.Load, users)]);
        ScenarioPlan SlowFault(string name, double durationMs, double faultAtMs, double holdMs, string shape, IReadOnlyList<UserGroup> groups) =>
            Plan(name, SlowFaultShape(shape, faultAtMs, holdMs, durationMs), durationMs, groups) with { FaultAtMs = faultAtMs, FaultHoldMs = holdMs, TimingsInShape = true };
        return
        [
            new LoadScenario(Constant("baseline", 10, S(60), "10 users, 1 min")),
            new LoadScenario(Constant("load-50-users", 50, S(180), "50 users, 3 min")),
            new LoadScenario(Constant("load-100-users", 100, S(180), "100 users, 3 min")),
            new LoadScenario(Constant("sustained-10m", 100, S(600), "100 users, 10 min")),
            new LoadScenario(Plan("spike", "0 → 100 users over 10 s, hold 2 min", S(130),
                [new UserGroup(BenchClients.Load, 100, Ramp: Ramp.Linear, RampMs: S(10))])),
            new StressScenario(Plan("stress", "+10 users every 10 s up to 200; stops when the last 10 s pass 5 % errors or p95 10 s",
                S(200), [new UserGroup(BenchClients.Load, 200, Ramp: Ramp.Steps, RampMs: S(10), StepUsers: 10)]) with { WindowMs = Math.Max(2 * Second, S(10)) }),
            new EnduranceScenario(Plan("endurance", "50 users, 1 h; RSS of every process every 10 s", S(3600),
                [new UserGroup(BenchClients.Load, 50)]) with { SampleEveryMs = 10 * Second }),
            new NoisyNeighbourScenario(Plan("noisy-neighbour", "calm1-3: 20 req/s each, 2 min; noisy: 400 req/s (tier 200/s) from 1/4 on", S(120),
                [new UserGroup(BenchClients.Noisy, 400, RateLimitExpected: true), .. Calm(20)])),
            new KillReplicaScenario(Plan("fault-kill-replica", "50 users, 3 min; kill -9 api-2 at 1/3", Fault(180),
                [new UserGroup(BenchClients.Load, 50)]) with { FaultAtMs = Fault(180) / 3 }),
            new StopMariaDbScenario(Plan("fault-stop-mariadb", "20 users, 2 min; SIGTERM mariadb at 1/3 for 10 s, then up", Fault(120),
                [new UserGroup(BenchClients.Load, 20)]) with { FaultAtMs = Fault(120) / 3, FaultHoldMs = 10 * Second }),
            new Cluster.KillDatabaseNodeScenario(Plan("fault-kill-database-node",
                $"on PLATFORM_DB_NODES=3: the sustained create rate measured first ({Cluster.KillDatabaseNodeScenario.MeasuringClients} closed-loop clients), then creates at half of it and {Cluster.KillDatabaseNodeScenario.ReadsPerSecond} reads/s, 2 min; kill -9 the node taking writes at 1/3; up after the run",
                Fault(120), []) with { FaultAtMs = Fault(120) / 3 }),
            new RestoreMariaDbScenario(Plan("fault-restore", "20 users, 2 min; a backup at 1/6, SIGKILL mariadb and its data directory gone at 1/3, restore to the latest point, then up", Fault(120),
                [new UserGroup(BenchClients.Load, 20)]) with { FaultAtMs = Fault(120) / 3 }),
            new StopRedisScenario(Plan("fault-stop-redis", "20 users, 2 min; SIGTERM redis at 1/3 for 10 s, then up", Fault(120),
                [new UserGroup(BenchClients.Load, 20)]) with { FaultAtMs = Fault(120) / 3, FaultHoldMs = 10 * Second }),
            new PoolExhaustionScenario(Plan("fault-pool-exhaustion", "900 closed-loop clients (10 × 3 replicas × pool 30) creating, 30 s",
                S(30), []) with { ClosedLoopClients = 900 }),
            new FloodScenario(Plan("fault-flood", "anonymous flood naming 100,000 client addresses through the trusted proxy, 2,000 req/s over the middle half; calm1-3 20 req/s each, 2 min",
                Fault(120), Calm(20))
                with { FaultAtMs = Fault(120) / 4, FaultHoldMs = Fault(120) / 2, SampleEveryMs = Second }),
            new HoardingScenario(Plan("fault-hoarding", "anonymous creates of 30 and 14 nights in turn inside the next 365 days, naming 100,000 client addresses through the trusted proxy, 2,000 req/s from 5 s for 60 s; calm1-3 10 creates/s each; anonymous held nights sampled every second, 75 s",
                75 * Second, [.. BenchClients.CalmClients.Select(client => new UserGroup(client, 10, Sends: RequestKind.Create))])
                with { FaultAtMs = 5 * Second, FaultHoldMs = 60 * Second, SampleEveryMs = Second }),
            new FreezeReplicaScenario(SlowFault("fault-freeze-replica", Slow(60, 30), Slow(20, 10), Slow(20, 10),
                "kill -STOP api-2 at {0} s for {1} s, then kill -CONT; health 100/s, creates with Idempotency-Key 20/s, without 10/s; {2} s",
                [new UserGroup(BenchClients.Load, 100, Sends: RequestKind.Health), new UserGroup(BenchClients.Load, 20, Sends: RequestKind.KeyedCreate), new UserGroup(BenchClients.Load, 10, Sends: RequestKind.Create)])),
            new SlowReplicaScenario(SlowFault("fault-slow-replica", Slow(45, 35), Slow(20, 20), Slow(20, 10),
                "api-2 stopped 150 ms of every 200 ms (kill -STOP / -CONT) from {0} s for {1} s; health 100/s; {2} s",
                [new UserGroup(BenchClients.Load, 100, Sends: RequestKind.Health)])),
            new StallDatabaseScenario(SlowFault("fault-stall-database", Slow(45, 30), Slow(15, 10), Slow(12, 8),
                "FLUSH TABLES WITH READ LOCK on MariaDB at {0} s for {1} s; creates 20/s, reads by code 10/s, availability 10/s; {2} s",
                [new UserGroup(BenchClients.Load, 20, Sends: RequestKind.Create), new UserGroup(BenchClients.Load, 10, Sends: RequestKind.Read), new UserGroup(BenchClients.Load, 10, Sends: RequestKind.Availability)])),
            new BackOfficeScenario(Plan("back-office",
                "100 operators (admin), one request a second each: searches, reports, free places; an export of every reservation at 1/3; beside the load client at 50 req/s (the mix); 3 min",
                S(180), [new UserGroup(BenchClients.Load, 50), new UserGroup(BenchClients.Admin, 100, Sends: RequestKind.Operator)]), operators: true),
            new BackOfficeScenario(Plan("back-office-baseline", "the load client at 50 req/s (the mix) alone, as beside back-office's operators; 3 min",
                S(180), [new UserGroup(BenchClients.Load, 50)]), operators: false),
            new PoisonRequestsScenario(Plan("fault-poison-requests",
                $"the poison-request corpus, anonymous, {PoisonRequestsScenario.PerSecond} req/s from one address; calm1-3 10 req/s each; 1 min", Fault(60), Calm(10))),
            new PoisonRequestsScenario(Plan("fault-poison-requests-busy",
                "as fault-poison-requests, beside the load client at 50 req/s (the reports' mix); 1 min",
                Fault(60), [.. Calm(10), new UserGroup(BenchClients.Load, 50)])),
        ];
    }

    /// <param name="shape">A format with {0} the fault's start, {1} its length and {2} the run's, in seconds.</param>
    private static string SlowFaultShape(string shape, double faultAtMs, double holdMs, double durationMs) =>
        string.Format(CultureInfo.InvariantCulture, shape, faultAtMs / Second, holdMs / Second, durationMs / Second);
}
