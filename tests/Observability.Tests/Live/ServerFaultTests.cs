using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MySqlConnector;
using Platform.Observability.Tests.Rules;
using Platform.Testing;
using Platform.Topology.Faults;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// The servers' alerts against real faults, read from the real exporters: a global read lock held
/// by a root session, and a Redis filled to its maxmemory. Each fault waits for the shared overload
/// run, which records that ordinary traffic fires no alert: xunit orders tests by IDs derived from
/// the assembly's path, so in some checkouts a fault came first and its alerts were still firing.
/// </summary>
[Collection(SharedMonitoredPlatform.Name)]
public sealed partial class ServerFaultTests(MonitoredPlatform platform)
{
    /// <summary>Alerts whose selectors match only during a fault: checked here, while it holds, not by <see cref="ExpressionTests"/>.</summary>
    public static readonly IReadOnlySet<string> SelectorsCheckedUnderFault = new HashSet<string>(StringComparer.Ordinal) { "MariaDbLockWaits" };

    private static readonly TimeSpan LockHeld = TimeSpan.FromSeconds(12);
    // Released after LockHeld; the bound only frees the server if the test hangs.
    private static readonly TimeSpan LockBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Prometheus_scrapes_every_exporter_and_each_reaches_its_server()
    {
        var cancellation = TestContext.Current.CancellationToken;
        foreach (var selector in (string[])["up{job=\"mariadb\"}", "mysql_up{job=\"mariadb\"}", "up{job=\"redis\"}", "redis_up{job=\"redis\"}", "up{job=\"node\"}"])
        {
            var result = await WaitForAsync(selector, samples => samples.Count > 0 && samples.All(value => value == 1), cancellation);
            Assert.True(result.Series.Count > 0 && result.Series.All(sample => sample.Value == "1"), $"{selector}: {string.Join(", ", result.Series)}");
        }
    }

    [Fact]
    public async Task A_global_read_lock_shows_as_lock_waits_within_15_s_and_as_none_after_the_unlock()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await platform.OverloadAsync(); // its record of ordinary traffic needs a platform no fault has touched
        var waiting = WithoutThreshold("MariaDbLockWaits", "0");
        await using (var setup = new MySqlConnection(platform.Cluster.Database.AppConnectionString))
        {
            await setup.OpenAsync(cancellation);
            await using var create = new MySqlCommand("CREATE TABLE IF NOT EXISTS lock_probe (id INT)", setup);
            await create.ExecuteNonQueryAsync(cancellation);
        }

        var locked = Stopwatch.StartNew();
        Task writer;
        await using (var stall = await DatabaseStall.BeginAsync(platform.Cluster.Database.RootConnectionString, LockBound, cancellation))
        {
            writer = InsertAsync(cancellation);
            var during = await WaitForAsync(waiting, values => values.Any(value => value > 0), cancellation, Within);
            Assert.True(during.Series.Any(sample => Value(sample) > 0) && locked.Elapsed <= Within,
                $"no lock wait seen within {Within.TotalSeconds:0} s of the lock: {waiting} = {string.Join(", ", during.Series)}{Environment.NewLine}{platform.Diagnostics()}");
            foreach (var selector in PromQlSelectors.Extract(waiting))
            {
                var series = await platform.Prometheus.QueryAsync(selector, cancellation);
                Assert.True(series.Series.Count > 0, $"under the lock, {selector} selects nothing that the exporter exports");
            }

            // Held its whole time, as a backup's lock would be, then released.
            if (LockHeld - locked.Elapsed is { Ticks: > 0 } rest)
                await Task.Delay(rest, cancellation);
        }

        await writer;
        var after = await WaitForAsync(waiting, values => values.Count > 0 && values.All(value => value == 0), cancellation, Within);
        Assert.True(after.Series.Count > 0 && after.Series.All(sample => Value(sample) == 0), $"lock waits after the unlock: {string.Join(", ", after.Series)}");
    }

    [Fact]
    public async Task A_redis_filled_to_its_maxmemory_crosses_the_memory_threshold()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await platform.OverloadAsync(); // its record of ordinary traffic needs a platform no fault has touched
        var instance = platform.SmallRedisExporter.MetricsAddress.Authority;
        var rule = AlertRulesFile.All().Single(rule => rule.Name == "RedisMemoryNearLimit");
        var expression = rule.Expression.Replace("{job=\"redis\"}", $"{{job=\"redis\", instance=\"{instance}\"}}", StringComparison.Ordinal);
        Assert.NotEqual(rule.Expression, expression);

        // Noeviction: writes are refused at the limit, so the keys written stay and used memory stays near it.
        for (var batch = 0; batch < 100 && UsedShare(await MonitoredPlatform.RedisCliAsync(platform.SmallRedis, "INFO", "memory")) < 0.95; batch++)
        {
            await MonitoredPlatform.RedisCliAsync(platform.SmallRedis, "EVAL",
                $"for i = 1, 500 do redis.call('SET', 'fill:{batch}:' .. i, string.rep('x', 200)) end", "0");
        }

        var result = await WaitForAsync(expression, values => values.Count > 0, cancellation, Within);
        Assert.True(result.Series.Count > 0, $"{expression} stayed empty: Redis at {instance} did not cross the threshold{Environment.NewLine}{platform.Diagnostics()}");
    }

    private async Task InsertAsync(CancellationToken cancellation)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
        await using var connection = new MySqlConnection(platform.Cluster.Database.AppConnectionString);
        await connection.OpenAsync(cancellation);
        await using var insert = new MySqlCommand("INSERT INTO lock_probe VALUES (1)", connection) { CommandTimeout = 60 };
        await insert.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>An alert's expression without its trailing "> threshold": the figure the alert compares.</summary>
    private static string WithoutThreshold(string alert, string threshold)
    {
        var expression = AlertRulesFile.All().Single(rule => rule.Name == alert).Expression.Trim();
        var suffix = $"> {threshold}";
        Assert.EndsWith(suffix, expression, StringComparison.Ordinal);
        return expression[..^suffix.Length].Trim();
    }

    private async Task<QueryResult> WaitForAsync(string expression, Func<IReadOnlyList<double>, bool> done, CancellationToken cancellation, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await platform.Prometheus.QueryAsync(expression, cancellation);
            Assert.True(result.Parsed, $"{expression}: {result.Error}");
            if (done([.. result.Series.Select(Value)]) || deadline.Elapsed > (timeout ?? Within))
                return result;
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
        }
    }

    private static double Value(Sample sample) => double.Parse(sample.Value ?? "NaN", CultureInfo.InvariantCulture);

    private static double UsedShare(string info)
    {
        var used = double.Parse(UsedMemory().Match(info).Groups[1].Value, CultureInfo.InvariantCulture);
        return used / MonitoredPlatform.SmallRedisMaxMemoryBytes;
    }

    [GeneratedRegex(@"^used_memory:(\d+)", RegexOptions.Multiline)]
    private static partial Regex UsedMemory();
}
