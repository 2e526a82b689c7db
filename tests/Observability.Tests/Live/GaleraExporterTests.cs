using System.Text.RegularExpressions;
using Platform.Testing;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// The database cluster's alerts read what only a Galera node exports; the shared monitored platform runs
/// one MariaDB, so those series are checked here, on a real three-node cluster with one exporter per node
/// as <c>./platform up</c> runs them: each exports them, and a killed node shows in the others' cluster size.
/// </summary>
public sealed partial class GaleraExporterTests
{
    /// <summary>The alert group in alerts.yml that watches a cluster.</summary>
    public const string AlertGroup = "mariadb-cluster";

    /// <summary>Series a Galera node exports and a single server does not.</summary>
    public static readonly IReadOnlyList<string> ClusterOnlyMetrics =
    [
        "mysql_global_status_wsrep_local_state",
        "mysql_global_status_wsrep_flow_control_paused_ns",
        "mysql_global_status_wsrep_local_recv_queue",
    ];

    /// <summary>True when <paramref name="expression"/> reads a series only a Galera node exports.</summary>
    public static bool ClusterOnly(string expression) =>
        MetricNames().Matches(expression).Select(match => match.Value).Any(ClusterOnlyMetrics.Contains);

    [Fact]
    public async Task Every_node_exports_the_cluster_series_the_alerts_read_and_a_killed_node_leaves_the_others_cluster_smaller()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await GaleraCluster.StartAsync(3);
        var exporters = new List<ExporterProcess>();
        try
        {
            foreach (var node in Enumerable.Range(1, 3))
                exporters.Add(await ExporterProcess.StartMariaDbAsync(cluster, node));

            using var http = new HttpClient();
            var read = AlertMetrics().ToList();
            Assert.All(ClusterOnlyMetrics, metric => Assert.Contains(metric, read));
            foreach (var exporter in exporters)
            {
                var text = await http.GetStringAsync(exporter.MetricsAddress, cancellation);
                Assert.All(read, metric => Assert.Contains($"\n{metric} ", text, StringComparison.Ordinal));
                Assert.Contains("\nmysql_global_status_wsrep_cluster_size 3\n", text, StringComparison.Ordinal);
                Assert.Contains("\nmysql_global_status_wsrep_local_state 4\n", text, StringComparison.Ordinal);
            }

            await cluster.KillAsync(3);
            await Eventually.AssertAsync(
                async () => (await http.GetStringAsync(exporters[0].MetricsAddress, cancellation)).Contains("\nmysql_global_status_wsrep_cluster_size 2\n", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), "node 1's exporter never showed a cluster of 2 after node 3 was killed");
        }
        finally
        {
            foreach (var exporter in exporters)
                await exporter.DisposeAsync();
        }
    }

    // The metric names the cluster alerts read (mysql_* only: up is Prometheus's own).
    private static IEnumerable<string> AlertMetrics() =>
        Rules.AlertRulesFile.All().Where(rule => rule.Group == AlertGroup)
            .SelectMany(rule => MetricNames().Matches(rule.Expression).Select(match => match.Value))
            .Where(name => name.StartsWith("mysql_", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"\bmysql_[a-z0-9_]+")]
    private static partial Regex MetricNames();
}
