using System.Globalization;
using System.Text;
using Platform.Contracts.Identity;
using Platform.Load.Cli;
using Platform.Topology;
using Platform.Topology.Files;

namespace Platform.Load.Wrk.Writes;

/// <summary>
/// <c>./platform bench writes</c>: the reservations write path against the running platform, at every
/// concurrency of BENCH_CONCURRENCIES: (a) wrk against one replica, (b) one wrk process per replica, all at
/// once, and (c) mariadb-slap running the API's own transaction straight against MariaDB (the ceiling); one
/// Markdown table with the ratios, then an audit of the database. Every create books a night no other
/// request asks for (create.lua), so any non-2xx is a failure. Creates straight to a replica carry an
/// identity signed for the load client, which since identity v2 binds each body: they get 401 (see
/// docs/load-scenarios.md).
/// </summary>
public sealed class WritesBench(WritesArguments run, BenchSettings platform, TextWriter output, TextWriter progress)
{
    private readonly Dictionary<(string Key, int Concurrency), WritesRow> _rows = [];

    private readonly WritesDatabase _database = new(platform.DbConnection);

    private StateLayout Layout => platform.Platform.Layout;

    private int _nextDay;

    private long _created;

    /// <summary>The platform's replicas, from the topology model.</summary>
    public static IReadOnlyList<Uri> ReplicaUrls(PlatformSettings platform) =>
        [.. Enumerable.Range(1, platform.Replicas).Select(n => new Uri($"http://127.0.0.1:{platform.Ports.Api(n).ToString(CultureInfo.InvariantCulture)}"))];

    /// <exception cref="PlatformException">A tool or the platform is missing, or a run failed.</exception>
    public async Task RunAsync()
    {
        await CheckPrerequisitesAsync();
        PrivateDirectory.Create(run.Results);
        var started = DateTimeOffset.UtcNow;
        _nextDay = int.Parse(await _database.ScalarAsync(BenchNights.FirstFreeDay), CultureInfo.InvariantCulture);
        var audit = new WritesAudit(Layout, _database);
        await audit.BeginAsync();
        await Info($"results in {Layout.Display(run.Results)}; API nights from day {_nextDay} after 2100-01-01");

        foreach (var c in run.Concurrencies)
        {
            await SingleReplicaAsync(c);
            await AllReplicasAsync(c);
            await DatabaseCeilingAsync(c);
        }

        var report = new StringBuilder()
            .Append(CultureInfo.InvariantCulture,
                $"Write path, {started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC to {DateTime.UtcNow:HH:mm:ss} UTC; {run.Duration}s (+{run.Warmup}s warm-up) per wrk run, "
                + $"{run.DbTransactions} transactions per mariadb-slap run\n\n")
            .Append(await WritesSetup.DescribeAsync(Layout, _database))
            .Append('\n')
            .Append(WritesTable.Render(run.Concurrencies, run.Urls.Count, _rows))
            .Append(await audit.ReportAsync(_created))
            .ToString();
        await output.WriteAsync(report);
        await File.WriteAllTextAsync(Path.Combine(run.Results, "table.md"), report);
    }

    private async Task CheckPrerequisitesAsync()
    {
        foreach (var tool in new[] { WrkRun.Program, SlapRun.Program })
        {
            if (!DebianPackages.IsInstalled(tool))
                throw new PlatformException($"'{tool}' is not installed");
        }
        if (!File.Exists(Layout.MariaDbSocket))
            throw new PlatformException($"no MariaDB socket at {Layout.Display(Layout.MariaDbSocket)}; run './platform up' first");
        await _database.ScalarAsync("SELECT 1");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var url in run.Urls)
        {
            var ready = new Uri(url, "/health/ready");
            try
            {
                using var response = await http.GetAsync(ready);
                if (!response.IsSuccessStatusCode)
                    throw new HttpRequestException(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new PlatformException($"{ready} does not answer 200; run './platform up' first", e);
            }
        }
    }

    // A wrk run with create.lua on the next free range of days, its output in RESULTS/NAME.txt.
    private Task<BenchLine> StartWrk(string name, Uri url, int threads, int connections, int seconds)
    {
        var offset = _nextDay;
        _nextDay += run.SpanDays;
        var environment = new Dictionary<string, string> { ["BENCH_IDENTITY"] = Identity() };
        return Checked(name, new WrkRun(WrkRun.ScriptPath("create.lua"), url, threads, connections, seconds,
            [offset.ToString(CultureInfo.InvariantCulture), run.SpanDays.ToString(CultureInfo.InvariantCulture)], environment)
        {
            RequestTimeoutSeconds = 10,
            Grace = TimeSpan.FromSeconds(60),
            OutputFile = Path.Combine(run.Results, name + ".txt"),
        }.RunAsync());
    }

    private async Task<BenchLine> Checked(string name, Task<BenchLine> running)
    {
        var line = await running;
        if (line.Field("overflow") != "0")
            throw new PlatformException($"{name} used more days than allocated; raise the span of days");
        _created += WritesRow.Created(line.Field("statuses") ?? "");
        return line;
    }

    // A fresh X-Client-Identity (valid 30 s: one per wrk run), signed as the gateway would for the load client.
    private string Identity() =>
        IdentityToken.TryReadKeyFile(Layout.IdentityKeyFile, out var key, out var problem)
            ? IdentityTokenCommand.Sign(key, "reservations:create", "POST", "/api/v1/reservations")
            : throw new PlatformException(problem);

    private async Task SingleReplicaAsync(int c)
    {
        if (run.Warmup > 0)
        {
            await Info($"one replica, {c} connections: warm-up {run.Warmup}s");
            await StartWrk($"single-c{c}-warmup", run.Urls[0], 2, c, run.Warmup);
        }
        await Info($"one replica, {c} connections: {run.Duration}s");
        var line = await StartWrk($"single-c{c}", run.Urls[0], 2, c, run.Duration);
        await Info(line.Text);
        _rows[(WritesTable.OneReplica, c)] = WritesRow.From(line);
    }

    // One wrk process per replica URL at once, splitting the connections.
    private async Task AllReplicasAsync(int c)
    {
        var n = run.Urls.Count;
        foreach (var warmup in new[] { true, false })
        {
            if (warmup && run.Warmup == 0)
                continue;
            var seconds = warmup ? run.Warmup : run.Duration;
            await Info($"{n} replicas, {c} connections in all: {(warmup ? "warmup" : "measured")} {seconds}s");
            var names = Enumerable.Range(0, n).Select(i => $"all-c{c}-r{i + 1}{(warmup ? "-warmup" : "")}").ToList();
            var runs = Enumerable.Range(0, n).Select(i => StartWrk(names[i], run.Urls[i], 1, (c / n) + (i < c % n ? 1 : 0), seconds)).ToList();
            var lines = await Task.WhenAll(runs);
            if (warmup)
                continue;
            for (var i = 0; i < n; i++)
                await Info($"{names[i]}: {lines[i].Text}");
            _rows[(WritesTable.All, c)] = WritesRow.Merge(lines);
        }
    }

    private async Task DatabaseCeilingAsync(int c)
    {
        var transactionSql = await File.ReadAllTextAsync(RepositoryRoot.Combine("tools", "Bench", "create-transaction.sql"));
        var batchFile = Path.Combine(run.Results, "create-transaction-batch.sql");
        await File.WriteAllTextAsync(batchFile, SlapRun.Batch(transactionSql));
        foreach (var (mode, batch) in new[] { ("statements", false), ("batch", true) })
        {
            var query = batch ? batchFile : RepositoryRoot.Combine("tools", "Bench", "create-transaction.sql");
            await Info($"mariadb-slap, {c} clients, {mode}: warm-up {run.DbTransactions / 10} transactions");
            await SlapAsync($"db-{mode}-c{c}-warmup", query, batch, c, Math.Max(1, run.DbTransactions / 10));
            await Info($"mariadb-slap, {c} clients, {mode}: {run.DbTransactions} transactions");
            var (perSecond, transactions, seconds) = await SlapAsync($"db-{mode}-c{c}", query, batch, c, run.DbTransactions);
            await Info($"db-{mode}-c{c}: tx/s transactions seconds = {perSecond} {transactions} {seconds}");
            _rows[(batch ? WritesTable.DbBatch : WritesTable.DbStatements, c)] = WritesRow.Transactions(perSecond);
        }
    }

    private async Task<(string PerSecond, int Transactions, string Seconds)> SlapAsync(string name, string query, bool batch, int c, int transactions)
    {
        var outputFile = Path.Combine(run.Results, name + ".txt");
        var expected = SlapRun.PerClient(transactions, c) * c;
        var before = await _database.CountAsync(WritesDatabase.CeilingNights);
        var text = await SlapRun.RunAsync(SlapRun.Arguments(Layout.MariaDbSocket, query, batch, c, transactions), outputFile);
        var committed = await _database.CountAsync(WritesDatabase.CeilingNights) - before;
        // Committed transactions, counted by the database rather than trusted from the tool.
        if (committed != expected)
            throw new PlatformException($"{name} committed {committed} transactions, expected {expected}; see {outputFile}");
        var seconds = SlapRun.Seconds(text) ?? throw new PlatformException($"no timing in {outputFile}");
        return ((expected / seconds).ToString("F1", CultureInfo.InvariantCulture), expected, seconds.ToString("F3", CultureInfo.InvariantCulture));
    }

    private Task Info(string message) => progress.WriteLineAsync("==> " + message);
}
