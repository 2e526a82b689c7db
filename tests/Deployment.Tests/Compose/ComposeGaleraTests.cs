using MySqlConnector;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Compose;

/// <summary>
/// docker-compose.galera.yml, the three-node cluster layered over the main file: Compose accepts the pair
/// and refuses it without the copy user's password; every node runs the wsrep settings ./platform up gives
/// its nodes; the replicas list every node with MySqlConnector's failover; one exporter per node.
/// </summary>
public sealed class ComposeGaleraTests
{
    private static readonly string[] Nodes = ["mariadb", "mariadb-2", "mariadb-3"];

    private static IReadOnlyDictionary<string, string> Variables => ComposeFile.RequiredVariables;

    private static string GaleraPath => Platform.Topology.RepositoryRoot.Combine("docker-compose.galera.yml");

    [Fact]
    public async Task Docker_compose_accepts_the_cluster_over_the_main_file_and_refuses_it_without_the_copy_users_password()
    {
        var (exitCode, output) = await ConfigAsync(Variables);
        Assert.True(exitCode == 0, $"docker-compose config -q refused the pair (exit {exitCode}):{System.Environment.NewLine}{output}");

        var (refused, refusal) = await ConfigAsync(new Dictionary<string, string>(Variables, StringComparer.Ordinal) { ["PLATFORM_SST_DB_PASSWORD"] = "" });
        Assert.True(refused != 0, $"accepted without PLATFORM_SST_DB_PASSWORD:{System.Environment.NewLine}{refusal}");
        Assert.Contains("PLATFORM_SST_DB_PASSWORD", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_node_runs_the_wsrep_settings_up_gives_its_nodes_and_knows_every_other()
    {
        var galera = ComposeFile.Load(GaleraPath);
        foreach (var node in Nodes)
        {
            var command = ComposeFile.Strings(galera.Service(node).GetValueOrDefault("command"));
            Assert.Equal("mariadbd", command[0]);
            Assert.All(GaleraService.SharedSettings, setting => Assert.Contains(setting, command));
            Assert.Contains("--wsrep-cluster-address=gcomm://" + string.Join(',', Nodes), command);
        }

        // Only the first node may found the cluster, and only by the start script's rule.
        Assert.Equal("1", ComposeFile.Environment(galera.Service("mariadb"))["GALERA_FOUNDER"]);
        Assert.All(Nodes.Skip(1), node => Assert.False(ComposeFile.Environment(galera.Service(node)).ContainsKey("GALERA_FOUNDER")));
        Assert.DoesNotContain("--wsrep-new-cluster", galera.RawText.Split('\n').Where(line => !line.TrimStart().StartsWith('#')).Select(line => line.Trim()));
        var script = File.ReadAllText(Platform.Topology.RepositoryRoot.Combine("api", "Database", "galera-node.sh"));
        Assert.Contains("safe_to_bootstrap: 1", script, StringComparison.Ordinal);
        Assert.Contains("--wsrep-new-cluster", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_replicas_list_every_node_in_order_with_failover_and_each_node_has_its_exporter()
    {
        var galera = ComposeFile.Load(GaleraPath);
        var connection = new MySqlConnectionStringBuilder(ComposeFile.Interpolate(ComposeFile.Environment(galera.Service("api"))["Database__ConnectionString"], Variables));
        Assert.Equal(string.Join(',', Nodes), connection.Server);
        Assert.Equal(MySqlLoadBalance.FailOver, connection.LoadBalance);
        Assert.Equal((uint)GaleraTopology.ConnectionLifetimeSeconds, connection.ConnectionLifeTime);

        foreach (var (node, exporter) in Nodes.Zip(["mysqld-exporter", "mysqld-exporter-2", "mysqld-exporter-3"]))
        {
            var service = galera.Service(exporter);
            Assert.Contains("mysqld-exporter", ComposeFile.Strings(ComposeFile.Child(service, "networks", "backend")?.GetValueOrDefault("aliases")));
            if (node != "mariadb")
                Assert.Contains($"@({node}:3306)/", ComposeFile.Environment(service)["DATA_SOURCE_NAME"], StringComparison.Ordinal);
        }
    }

    private static async Task<(int ExitCode, string Output)> ConfigAsync(IReadOnlyDictionary<string, string> variables)
    {
        var compose = Platform.Testing.RequiredServer.Locate("docker-compose");
        var scratch = Platform.Testing.ScratchDirectory.Create("compose-env-");
        try
        {
            var envFile = scratch.Combine("empty.env");
            await File.WriteAllTextAsync(envFile, "", TestContext.Current.CancellationToken);
            return await Platform.Testing.ChildProcess.RunAsync(
                compose,
                ["--env-file", envFile, "--project-directory", Platform.Topology.RepositoryRoot.Path, "-f", ComposeFile.DefaultPath, "-f", GaleraPath, "config", "-q"],
                TimeSpan.FromSeconds(60),
                variables);
        }
        finally
        {
            scratch.Delete();
        }
    }
}
