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

    /// <summary>The settings from the environment, for the checkout at <paramref name="repositoryRoot"/>.</summary>
    /// <exception cref="PlatformException">A variable holds something that is not a usable port or count.</exception>
    public static PlatformSettings FromEnvironment(string repositoryRoot, Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        var state = variable("PLATFORM_STATE_DIR") is { Length: > 0 } dir ? dir : Path.Combine(repositoryRoot, ".platform");
        var layout = new StateLayout(repositoryRoot, state);
        var defaults = PlatformPorts.Defaults;
        int Port(string name, int fallback) => ParsePort(variable(name), fallback, name, basePort: false);
        int BasePort(string name, int fallback) => ParsePort(variable(name), fallback, name, basePort: true);
        var ports = new PlatformPorts(
            Gateway: Port(PortVariables.Gateway, defaults.Gateway),
            MetricsBase: BasePort(PortVariables.MetricsBase, defaults.MetricsBase),
            ApiBase: BasePort(PortVariables.ApiBase, defaults.ApiBase),
            Database: Port(PortVariables.Database, defaults.Database),
            Redis: Port(PortVariables.Redis, defaults.Redis),
            Prometheus: Port(PortVariables.Prometheus, defaults.Prometheus),
            Alertmanager: Port(PortVariables.Alertmanager, defaults.Alertmanager),
            NodeExporter: Port(PortVariables.NodeExporter, defaults.NodeExporter),
            MysqldExporter: Port(PortVariables.MysqldExporter, defaults.MysqldExporter),
            RedisExporter: Port(PortVariables.RedisExporter, defaults.RedisExporter));

        string replicas;
        string source;
        if (variable("PLATFORM_REPLICAS") is { Length: > 0 } given)
        {
            (replicas, source) = (given, "PLATFORM_REPLICAS");
        }
        else if (File.Exists(layout.ReplicasFile))
        {
            (replicas, source) = (File.ReadAllText(layout.ReplicasFile).Trim(), $"PLATFORM_REPLICAS (or {layout.Display(layout.ReplicasFile)})");
        }
        else
        {
            (replicas, source) = (DefaultReplicas.ToString(CultureInfo.InvariantCulture), "PLATFORM_REPLICAS");
        }

        var count = ParseReplicas(replicas)
            ?? throw new PlatformException($"{source} must be a whole number from 1 to {PlatformPorts.MaxReplicas} (got '{replicas}')");
        return new PlatformSettings(layout, ports, count);
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
            Ports.Gateway, Ports.GatewayMetrics, Ports.Database, Ports.Redis, Ports.Prometheus, Ports.Alertmanager,
            Ports.NodeExporter, Ports.MysqldExporter, Ports.RedisExporter,
        };
        for (var n = 1; n <= Replicas; n++)
        {
            ports.Add(Ports.Api(n));
            ports.Add(Ports.Metrics(n));
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
