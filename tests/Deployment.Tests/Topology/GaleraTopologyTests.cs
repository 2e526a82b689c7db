using MySqlConnector;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Topology;

/// <summary>
/// The database cluster as the command line defines it: PLATFORM_DB_NODES and its bad forms, where each node
/// listens, the replicas' failover connection string, a node's command, grastate.dat, and who bootstraps.
/// </summary>
public sealed class GaleraTopologyTests
{
    private static PlatformSettings Read(string state, params (string Name, string Value)[] variables)
    {
        var given = variables.ToDictionary(v => v.Name, v => v.Value);
        given[PlatformVariables.StateDir] = state;
        return PlatformSettings.FromEnvironment("/repo", name => given.GetValueOrDefault(name));
    }

    [Fact]
    public void One_server_is_the_default_and_odd_counts_up_to_nine_make_a_cluster()
    {
        Assert.Equal(1, Read("/tmp/none").DatabaseNodes);
        Assert.False(Read("/tmp/none").DatabaseCluster);
        foreach (var nodes in new[] { 1, 3, 5, 7, 9 })
            Assert.Equal(nodes, Read("/tmp/none", (PlatformVariables.DatabaseNodes, nodes.ToString(System.Globalization.CultureInfo.InvariantCulture))).DatabaseNodes);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("4")]
    [InlineData("8")]
    public void An_even_cluster_is_refused_because_a_split_leaves_no_majority(string value)
    {
        var error = Assert.Throws<PlatformException>(() => Read("/tmp/none", (PlatformVariables.DatabaseNodes, value)));
        Assert.Contains(PlatformVariables.DatabaseNodes, error.Message, StringComparison.Ordinal);
        Assert.Contains("must be odd", error.Message, StringComparison.Ordinal);
        Assert.Contains("no majority", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("11")]
    [InlineData("03")]
    [InlineData("-3")]
    [InlineData("three")]
    [InlineData("3; rm -rf /")]
    [InlineData("../3")]
    [InlineData(" 3")]
    [InlineData("３")]
    [InlineData("99999999999999999999")]
    public void A_node_count_that_is_not_one_is_refused_naming_the_variable_and_the_value(string value)
    {
        var error = Assert.Throws<PlatformException>(() => Read("/tmp/none", (PlatformVariables.DatabaseNodes, value)));
        Assert.Contains(PlatformVariables.DatabaseNodes, error.Message, StringComparison.Ordinal);
        Assert.Contains($"(got '{value}')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_variable_the_count_the_last_up_ran_is_kept_and_a_damaged_file_is_refused_by_name()
    {
        var state = ScratchDirectory.Create("platform-settings-");
        try
        {
            var layout = new StateLayout("/repo", state.Path);
            File.WriteAllText(layout.DatabaseNodesFile, "3\n");
            Assert.Equal(3, Read(state.Path).DatabaseNodes);
            Assert.Equal(1, Read(state.Path, (PlatformVariables.DatabaseNodes, "1")).DatabaseNodes);

            File.WriteAllText(layout.DatabaseNodesFile, "garbage");
            var error = Assert.Throws<PlatformException>(() => Read(state.Path));
            Assert.Contains("db-nodes", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            state.Delete();
        }
    }

    [Fact]
    public void A_cluster_needs_room_for_its_own_ports_above_the_database_port()
    {
        Assert.Equal(65535, Read("/tmp/none", (PlatformVariables.DatabasePort, "65535")).Ports.Database);
        var error = Assert.Throws<PlatformException>(() => Read("/tmp/none", (PlatformVariables.DatabasePort, "65535"), (PlatformVariables.DatabaseNodes, "3")));
        Assert.Contains(PlatformVariables.DatabasePort, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Read("/tmp/none", (PlatformVariables.DatabasePort, "65508"), (PlatformVariables.DatabaseNodes, "3")).DatabaseNodes);
    }

    [Fact]
    public void Node_n_serves_on_its_own_address_and_takes_three_galera_ports_above_the_database_port()
    {
        var ports = PlatformPorts.Defaults;
        Assert.Equal(new GaleraNodePorts(3307, 3308, 3309), ports.Galera(1));
        Assert.Equal(new GaleraNodePorts(3310, 3311, 3312), ports.Galera(2));
        Assert.Equal(new GaleraNodePorts(3331, 3332, 3333), ports.Galera(9));
        Assert.Equal(3306 + PlatformPorts.GaleraPortSpan, ports.Galera(9).StateTransfer);
        Assert.Equal([9204, 9205, 9206], Enumerable.Range(1, 3).Select(ports.MysqldExporterNode));
        Assert.Equal("127.0.0.3", GaleraTopology.Address(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ports.Galera(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ports.Galera(0));
    }

    [Fact]
    public void The_cluster_ports_table_in_configuration_md_is_the_rule_the_code_follows()
    {
        var rows = Platform.Testing.Docs.MarkdownDoc.Load("docs", "configuration.md").Rows("Ports of a database cluster");
        Assert.Equal(3, rows.Count);
        var defaults = PlatformPorts.Defaults;
        foreach (var row in rows)
        {
            var node = int.Parse(row[0], System.Globalization.CultureInfo.InvariantCulture);
            var galera = defaults.Galera(node);
            string[] expected = [$"{node}", GaleraTopology.Address(node), $"{defaults.Database}", $"{galera.GroupCommunication}", $"{galera.IncrementalTransfer}", $"{galera.StateTransfer}", $"{defaults.MysqldExporterNode(node)}"];
            Assert.Equal(expected, row.Cells);
        }
    }

    [Fact]
    public void Two_services_given_one_port_by_the_cluster_are_refused()
    {
        // The gateway on node 2's group communication port (3306 + 3 + 1).
        var settings = Read("/tmp/none", (PlatformVariables.DatabaseNodes, "3"), (PlatformVariables.GatewayPort, "3310"));
        var error = Assert.Throws<PlatformException>(settings.RequireDistinctPorts);
        Assert.Contains("3310", error.Message, StringComparison.Ordinal);
        // One server takes none of them.
        Read("/tmp/none", (PlatformVariables.GatewayPort, "3310")).RequireDistinctPorts();
    }

    [Fact]
    public void The_replicas_know_every_node_in_order_with_failover_and_one_server_keeps_its_connection_string()
    {
        var cluster = new MySqlConnectionStringBuilder(new GaleraTopology(3, 3306).ConnectionString("platform", "secret"));
        Assert.Equal("127.0.0.1,127.0.0.2,127.0.0.3", cluster.Server);
        Assert.Equal(3306u, cluster.Port);
        Assert.Equal(MySqlLoadBalance.FailOver, cluster.LoadBalance);
        Assert.Equal((uint)GaleraTopology.ConnectionLifetimeSeconds, cluster.ConnectionLifeTime);
        Assert.Equal("platform", cluster.Database);
        Assert.Equal(MariaDbService.TcpConnectionString(3306, "platform", "secret"), new GaleraTopology(1, 3306).ConnectionString("platform", "secret"));
    }

    [Fact]
    public void A_node_is_the_single_servers_command_on_its_own_address_with_the_wsrep_settings_after_it()
    {
        var files = new MariaDbFiles("/s/mariadb-2", "/s/mariadb-2.sock", "/s/mariadb-2-tmp", "/s/mariadb-2/mariadbd.pid", "/s/logs/mariadb-2.log", "/s/mariadb-2-binlog");
        var single = MariaDbService.Start("/repo/api/Database/mariadb.cnf", files, 3306).Arguments;
        var node = GaleraService.Start("/repo/api/Database/mariadb.cnf", files, new GaleraTopology(3, 3306), 2, GaleraStart.Join).Arguments;
        Assert.Equal(single, node.Take(single.Count));
        Assert.Equal("--bind-address=127.0.0.2", node.Last(a => a.StartsWith("--bind-address=", StringComparison.Ordinal)));
        Assert.Contains("--wsrep-cluster-address=gcomm://127.0.0.1:3307,127.0.0.2:3310,127.0.0.3:3313", node);
        Assert.Contains("--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.2:3310;ist.recv_addr=127.0.0.2:3311", node);
        Assert.Contains("--wsrep-sst-receive-address=127.0.0.2:3312", node);
        Assert.All(GaleraService.SharedSettings, setting => Assert.Contains(setting, node));
        Assert.DoesNotContain("--wsrep-new-cluster", node);

        var founder = GaleraService.Start("/c", files, new GaleraTopology(3, 3306), 1, new GaleraStart(NewCluster: true)).Arguments;
        Assert.Contains("--wsrep-new-cluster", founder);
        var rejoin = GaleraService.Start("/c", files, new GaleraTopology(3, 3306), 2, new GaleraStart(Position: "u:7")).Arguments;
        Assert.Contains("--wsrep-start-position=u:7", rejoin);
        var recover = GaleraService.Recover("/c", files, new GaleraTopology(3, 3306), 2, "/s/logs/r.log").Arguments;
        Assert.Equal(["--wsrep-recover", "--log-error=/s/logs/r.log"], recover.TakeLast(2));
    }

    [Fact]
    public void The_recovered_position_is_read_from_the_recovery_log()
    {
        const string log = "2026-12-07  1:11:48 0 [Note] InnoDB: ...\n2026-12-07  1:11:48 0 [Note] WSREP: Recovered position: fcb0f8ac-f1da-11f1-acb4-1b9891f62bde:11\n";
        Assert.Equal("fcb0f8ac-f1da-11f1-acb4-1b9891f62bde:11", GaleraService.ReadRecoveredPosition(log));
        Assert.Null(GaleraService.ReadRecoveredPosition("[ERROR] Aborting"));
    }

    [Fact]
    public void Grastate_is_read_as_galera_writes_it_and_a_damaged_one_reads_as_an_unsafe_crash()
    {
        var clean = GaleraState.Parse("# GALERA saved state\nversion: 2.1\nuuid:    fcb0f8ac-f1da-11f1-acb4-1b9891f62bde\nseqno:   42\nsafe_to_bootstrap: 1\n");
        Assert.Equal(new GaleraState("fcb0f8ac-f1da-11f1-acb4-1b9891f62bde", 42, SafeToBootstrap: true), clean);
        Assert.False(clean.Crashed);
        var crashed = GaleraState.Parse("uuid: x\nseqno: -1\nsafe_to_bootstrap: 0\n");
        Assert.True(crashed.Crashed);
        Assert.Equal(new GaleraState("", -1, false), GaleraState.Parse("garbage; rm -rf /\n\0"));
    }

    [Fact]
    public void Marking_a_node_safe_or_not_changes_only_its_flag()
    {
        var directory = ScratchDirectory.Create("platform-grastate-");
        try
        {
            File.WriteAllText(Path.Combine(directory.Path, GaleraState.FileName), "# GALERA saved state\nversion: 2.1\nuuid:    u\nseqno:   -1\nsafe_to_bootstrap: 0\n");
            GaleraState.SetSafeToBootstrap(directory.Path);
            Assert.Equal(new GaleraState("u", -1, SafeToBootstrap: true), GaleraState.Read(directory.Path));
            GaleraState.SetSafeToBootstrap(directory.Path, safe: false);
            Assert.Equal(new GaleraState("u", -1, SafeToBootstrap: false), GaleraState.Read(directory.Path));
            Assert.Null(GaleraState.Read(Path.Combine(directory.Path, "absent")));
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    public void Who_bootstraps_new_data_node_1_else_the_node_that_left_last_else_the_most_advanced_after_recovery()
    {
        GaleraState Clean(long seqno, bool safe = false) => new("u", seqno, safe);
        GaleraState Crash() => new("u", -1, false);

        Assert.Equal(1, GaleraBootstrap.Choose([new(1, null), new(2, null), new(3, null)]).Node);
        Assert.False(GaleraBootstrap.NeedsRecovery([new(1, null), new(2, null)]));

        var lastToLeave = GaleraBootstrap.Choose([new(1, Clean(10)), new(2, Clean(12)), new(3, Clean(12, safe: true))]);
        Assert.Equal(3, lastToLeave.Node);
        Assert.Contains("safe_to_bootstrap", lastToLeave.Reason, StringComparison.Ordinal);
        Assert.False(GaleraBootstrap.NeedsRecovery([new(1, Crash()), new(3, Clean(12, safe: true))]));

        GaleraNodeRecord[] crashed = [new(1, Crash(), RecoveredSeqno: 40), new(2, Crash(), RecoveredSeqno: 57), new(3, Crash(), RecoveredSeqno: 57)];
        Assert.True(GaleraBootstrap.NeedsRecovery(crashed));
        var recovered = GaleraBootstrap.Choose(crashed);
        Assert.Equal(2, recovered.Node);
        Assert.Contains("node 1 at 40, node 2 at 57, node 3 at 57", recovered.Reason, StringComparison.Ordinal);

        // A node added later (no grastate) never founds a cluster others belonged to.
        Assert.Equal(2, GaleraBootstrap.Choose([new(1, null), new(2, Clean(5))]).Node);
        Assert.Throws<InvalidOperationException>(() => GaleraBootstrap.Choose([new(1, Crash()), new(2, Crash(), RecoveredSeqno: 3)]));
    }
}
