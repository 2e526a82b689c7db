using System.Globalization;
using Platform.Topology;
using Platform.Topology.Backups;
using Platform.Topology.Services;

namespace Platform.Load.Wrk.Paired;

/// <summary>
/// <c>./platform bench paired STATE-DIR-A STATE-DIR-B</c>: two running platforms side by side in one run
/// (e.g. the commit before a change and after it, on different ports), the same wrk workloads through each
/// one's gateway as its <c>load</c> client, and one Markdown table of medians with the B/A ratios: req/s,
/// p50, p99, CPU per request of the platform's own processes, non-2xx answers. All traffic stays on 127.0.0.1.
/// </summary>
public sealed class PairedBench(PairedArguments run, TextWriter output, TextWriter progress)
{
    /// <summary>create.lua books night (offset + block * 16 + thread): a run may use this many days.</summary>
    public const int SpanDays = 16 * ((5 * 20) + 1);

    private readonly Dictionary<(string Workload, int Side), List<BenchLine>> _samples = [];

    private int _nextDay;

    /// <summary>
    /// Odd rounds run A first, even rounds B first (A B B A A B…): the platform that runs second meets the
    /// first one's after-load (its outbox relay catching up, its page flushes), which cost the second side
    /// 4-7 % of its req/s in a create run (2026-12-06); alternating the order puts that on both sides.
    /// </summary>
    public static IReadOnlyList<int> Order(int round) => round % 2 == 0 ? [1, 0] : [0, 1];

    /// <exception cref="PlatformException">A platform does not run, or wrk or the setup failed.</exception>
    public async Task RunAsync()
    {
        if (!WrkRun.IsInstalled())
            throw new PlatformException($"{WrkRun.Program} is not installed (apt-get install {WrkRun.Program})");
        var platforms = run.States.Select(PairedPlatform.Running).ToArray();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var readPaths = new string[platforms.Length];
        for (var side = 0; side < platforms.Length; side++)
        {
            if (run.Workloads.Contains(PairedArguments.Read))
                readPaths[side] = await platforms[side].ReadPathAsync(http);
            // Creates book nights after every night either platform holds, so none is refused for its dates.
            if (run.Workloads.Contains(PairedArguments.Create))
                _nextDay = Math.Max(_nextDay, await platforms[side].FirstFreeDayAsync());
        }

        for (var round = 1; round <= run.Rounds; round++)
        {
            foreach (var workload in run.Workloads)
            {
                foreach (var side in Order(round))
                {
                    if (run.Warmup > 0)
                        await MeasureAsync(platforms[side], workload, readPaths[side], run.Warmup);
                    using var backups = new CancellationTokenSource();
                    var backingUp = side == run.BackupBeside ? BackUpUntilAsync(platforms[side].Layout, backups.Token) : Task.FromResult(0);
                    var line = await MeasureAsync(platforms[side], workload, readPaths[side], run.Duration);
                    await backups.CancelAsync();
                    var taken = await backingUp;
                    await progress.WriteLineAsync($"==> round {round}, {workload}, {run.Labels[side]}: {line}{(side == run.BackupBeside ? $" (beside {taken} full backups)" : "")}");
                    if (!_samples.TryGetValue((workload, side), out var lines))
                        _samples[(workload, side)] = lines = [];
                    lines.Add(line);
                }
            }
        }

        await output.WriteAsync(PairedTable.Render(run, _samples, DateTimeOffset.UtcNow));
    }

    /// <summary>
    /// Full backups one after another (the costliest kind: every page is read) until <paramref name="stop"/>;
    /// the one running then is let finish, so it never overlaps the next measurement. Returns how many finished.
    /// </summary>
    private static async Task<int> BackUpUntilAsync(StateLayout layout, CancellationToken stop)
    {
        var taken = 0;
        var backup = new BackupRun(new BackupPolicy(layout.BenchBackups, KeepChains: 1, ChainLength: 0), MariaDbService.Root(layout), Narrator.Silent);
        while (!stop.IsCancellationRequested)
        {
            await backup.RunAsync(CancellationToken.None);
            taken++;
        }

        return taken;
    }

    // One wrk run on one platform: its BENCH line with cpu_us (the platform's CPU per request) added.
    private async Task<BenchLine> MeasureAsync(PairedPlatform platform, string workload, string? readPath, int seconds)
    {
        var environment = new Dictionary<string, string> { ["BENCH_API_KEY"] = platform.LoadKey };
        string script;
        IReadOnlyList<string> scriptArguments = [];
        if (workload == PairedArguments.Create)
        {
            script = WrkRun.ScriptPath("create.lua");
            scriptArguments = [_nextDay.ToString(CultureInfo.InvariantCulture), SpanDays.ToString(CultureInfo.InvariantCulture)];
            // Every run, warm-up included, on days of its own: a night booked twice would be a 409, not a cost.
            _nextDay += SpanDays;
        }
        else
        {
            script = WrkRun.ScriptPath("health.lua");
            environment["BENCH_PATH"] = workload == PairedArguments.Read ? readPath! : "/api/v1/health";
        }

        var before = PlatformCpu.Ticks(platform.Layout);
        var line = await new WrkRun(script, platform.Gateway, Threads: 1, run.Connections, seconds, scriptArguments, environment).RunAsync();
        var ticks = PlatformCpu.Ticks(platform.Layout) - before;
        var cpu = PlatformCpu.MicrosecondsPerRequest(ticks, line.Number("requests"));
        return line.With("cpu_us", cpu.ToString("F1", CultureInfo.InvariantCulture));
    }
}
