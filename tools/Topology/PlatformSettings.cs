using System.Globalization;

namespace Platform.Topology;

/// <summary>
/// The platform this machine runs: its state directory, ports and replica count, read from the
/// <c>PLATFORM_*</c> environment variables (defaults in <see cref="PlatformPorts.Defaults"/>), and checked
/// with messages that name the variable. The CLI, the load generator and the tests all read it here.
/// </summary>
public sealed record PlatformSettings(StateLayout Layout, PlatformPorts Ports, int Replicas)
{
    public const int DefaultReplicas = 3;

    /// <summary>MariaDB servers: 1 (the default), or an odd 3-9 for a Galera cluster (<see cref="PlatformVariables.DatabaseNodes"/>).</summary>
    public int DatabaseNodes { get; init; } = 1;

    /// <summary>True when the database is a Galera cluster of more than one node.</summary>
    public bool DatabaseCluster => DatabaseNodes > 1;

    /// <summary>The settings from the environment, for the checkout at <paramref name="repositoryRoot"/>.</summary>
    /// <exception cref="PlatformException">A variable holds something that is not a usable port or count.</exception>
    public static PlatformSettings FromEnvironment(string repositoryRoot, Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        var state = variable(PlatformVariables.StateDir) is { Length: > 0 } dir ? dir : Path.Combine(repositoryRoot, ".platform");
        var layout = new StateLayout(repositoryRoot, state);
        var defaults = PlatformPorts.Defaults;
        int Port(string name, int fallback) => ParsePort(variable(name), fallback, name, basePort: false);
        int BasePort(string name, int fallback) => ParsePort(variable(name), fallback, name, basePort: true);
        var ports = new PlatformPorts(
            Gateway: Port(PlatformVariables.GatewayPort, defaults.Gateway),
            MetricsBase: BasePort(PlatformVariables.MetricsBasePort, defaults.MetricsBase),
            ApiBase: BasePort(PlatformVariables.ApiBasePort, defaults.ApiBase),
            Database: Port(PlatformVariables.DatabasePort, defaults.Database),
            Redis: Port(PlatformVariables.RedisPort, defaults.Redis),
            Prometheus: Port(PlatformVariables.PrometheusPort, defaults.Prometheus),
            Alertmanager: Port(PlatformVariables.AlertmanagerPort, defaults.Alertmanager),
            NodeExporter: Port(PlatformVariables.NodeExporterPort, defaults.NodeExporter),
            MysqldExporter: Port(PlatformVariables.MysqldExporterPort, defaults.MysqldExporter),
            RedisExporter: Port(PlatformVariables.RedisExporterPort, defaults.RedisExporter),
            GatewayTls: Port(PlatformVariables.GatewayTlsPort, defaults.GatewayTls),
            TraceViewer: Port(PlatformVariables.TraceViewerPort, defaults.TraceViewer),
            TraceViewerOtlp: Port(PlatformVariables.TraceViewerOtlpPort, defaults.TraceViewerOtlp));

        string replicas;
        string source;
        if (variable(PlatformVariables.Replicas) is { Length: > 0 } given)
        {
            (replicas, source) = (given, PlatformVariables.Replicas);
        }
        else if (File.Exists(layout.ReplicasFile))
        {
            (replicas, source) = (File.ReadAllText(layout.ReplicasFile).Trim(), $"{PlatformVariables.Replicas} (or {layout.Display(layout.ReplicasFile)})");
        }
        else
        {
            (replicas, source) = (DefaultReplicas.ToString(CultureInfo.InvariantCulture), PlatformVariables.Replicas);
        }

        var count = ParseReplicas(replicas)
            ?? throw new PlatformException($"{source} must be a whole number from 1 to {PlatformPorts.MaxReplicas} (got '{replicas}')");
        var nodes = ReadDatabaseNodes(variable(PlatformVariables.DatabaseNodes), layout);
        if (nodes > 1 && ports.Database > 65535 - PlatformPorts.GaleraPortSpan)
        {
            throw new PlatformException(
                $"{PlatformVariables.DatabasePort} must leave room below 65536 for the cluster's own ports ({PlatformPorts.GaleraPortSpan} above it) when {PlatformVariables.DatabaseNodes} is more than 1 (got '{ports.Database}')");
        }

        return new PlatformSettings(layout, ports, count) { DatabaseNodes = nodes };
    }

    /// <summary>
    /// A database node count: 1, 3, 5, 7 or 9, or the reason <paramref name="text"/> is not one. An even
    /// cluster is refused: split in half, neither half has a majority, and both stop taking writes.
    /// </summary>
    public static (int? Nodes, string? Error) ParseDatabaseNodes(string? text)
    {
        if (text is not { Length: 1 } || !char.IsAsciiDigit(text[0]) || text[0] == '0')
        {
            return (null, $"must be 1 or an odd number from 3 to {PlatformPorts.MaxDatabaseNodes} (got '{text}')");
        }

        var nodes = text[0] - '0';
        return nodes % 2 == 0
            ? (null, $"must be odd (got '{text}'): a cluster of {nodes} split in half leaves no majority, and both halves stop taking writes; use {nodes - 1} or {nodes + 1}")
            : (nodes, null);
    }

    // The variable wins; else what the last 'up' ran, so that 'down' and 'status' find every node.
    private static int ReadDatabaseNodes(string? given, StateLayout layout)
    {
        var (text, source) = given is { Length: > 0 }
            ? (given, PlatformVariables.DatabaseNodes)
            : File.Exists(layout.DatabaseNodesFile)
                ? (File.ReadAllText(layout.DatabaseNodesFile).Trim(), $"{PlatformVariables.DatabaseNodes} (or {layout.Display(layout.DatabaseNodesFile)})")
                : ("1", PlatformVariables.DatabaseNodes);
        var (nodes, error) = ParseDatabaseNodes(text);
        return nodes ?? throw new PlatformException($"{source} {error}");
    }

    /// <summary>A replica count, 1-99, or null when <paramref name="text"/> is not one.</summary>
    public static int? ParseReplicas(string? text) =>
        text is { Length: 1 or 2 } && text[0] != '0'
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
        && count is >= 1 and <= PlatformPorts.MaxReplicas
            ? count
            : null;

    /// <summary>These settings with <paramref name="replicas"/> replicas.</summary>
    public PlatformSettings WithReplicas(int replicas) => this with { Replicas = replicas };

    /// <summary>
    /// Every port the platform would listen on with <see cref="Replicas"/> replicas, with what it is for;
    /// two services given the same one would only fail later, one of them with a confusing error.
    /// </summary>
    /// <exception cref="PlatformException">Two services share a port.</exception>
    public void RequireDistinctPorts()
    {
        var ports = new List<int>
        {
            Ports.Gateway, Ports.GatewayTls, Ports.GatewayMetrics, Ports.Database, Ports.Redis, Ports.Prometheus, Ports.Alertmanager,
            Ports.NodeExporter, Ports.MysqldExporter, Ports.RedisExporter, Ports.TraceViewer, Ports.TraceViewerOtlp,
        };
        for (var n = 1; n <= Replicas; n++)
        {
            ports.Add(Ports.Api(n));
            ports.Add(Ports.Metrics(n));
        }

        // Node N's SQL port is the same on its own address; its Galera ports and exporter are its own.
        for (var node = 2; node <= DatabaseNodes; node++)
        {
            ports.Add(Ports.MysqldExporterNode(node));
        }

        for (var node = 1; DatabaseCluster && node <= DatabaseNodes; node++)
        {
            var galera = Ports.Galera(node);
            ports.AddRange([galera.GroupCommunication, galera.IncrementalTransfer, galera.StateTransfer]);
        }

        var duplicate = ports.GroupBy(port => port).Where(group => group.Count() > 1).Select(group => (int?)group.Key).Min();
        if (duplicate is { } port)
        {
            throw new PlatformException($"port {port} is given to two services; choose different PLATFORM_*_PORT values");
        }
    }

    private static int ParsePort(string? text, int fallback, string name, bool basePort)
    {
        if (text is not { Length: > 0 })
        {
            return fallback;
        }

        var valid = text.Length <= 5 && text[0] != '0'
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port <= 65535 - (basePort ? PlatformPorts.MaxReplicas : 0);
        if (!valid)
        {
            throw new PlatformException(basePort
                ? $"{name} must leave room for {PlatformPorts.MaxReplicas} replicas below 65536 (got '{text}')"
                : $"{name} must be a TCP port number (got '{text}')");
        }

        return int.Parse(text, CultureInfo.InvariantCulture);
    }
}
