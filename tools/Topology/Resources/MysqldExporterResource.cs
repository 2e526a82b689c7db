using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>
/// MariaDB's exporter, logged in as the server's least-privileged <c>exporter</c> user, never root
/// (<see cref="ExporterServices.MysqldExporter"/>); the user and its login file are provisioned first.
/// </summary>
public sealed class MysqldExporterResource(ResourceContext context) : PlatformResource
{
    public override string Name => ProcessNames.MysqldExporter;

    public override ResourceKind Kind => ResourceKind.Exporter;

    public override IReadOnlyList<string> WaitsFor => [ProcessNames.MariaDb];

    // Exporters exit at once on SIGTERM.
    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(10);

    /// <summary>One per database node: node N's logs in to 127.0.0.N on the exporter port + N - 1.</summary>
    public override IReadOnlyList<ResourceInstance> Instances => [.. Enumerable.Range(1, context.Settings.DatabaseNodes).Select(Instance)];

    /// <summary>Those <c>up</c> starts and any other node's with a pid file (of a larger cluster run before).</summary>
    public override IReadOnlyList<ResourceInstance> KnownInstances =>
        [.. Enumerable.Range(1, context.Settings.DatabaseNodes)
            .Concat(context.Table.Names().Select(ProcessNames.MysqldExporterNodeNumber).OfType<int>()).Distinct().Order().Select(Instance)];

    /// <summary>Ready when <c>/metrics</c> answers 2xx.</summary>
    public static Readiness Probe(int port) => Readiness.Http(port, "/metrics");

    /// <summary>
    /// The <c>exporter</c> user and its login file, every time: the password is kept from the file, since a
    /// running exporter read it at its start.
    /// </summary>
    public override async Task ConfigureAsync()
    {
        var settings = context.Layout.MysqldExporterSettings;
        var password = ExporterLogin.ReadPassword(settings) ?? Secrets.RandomKey();
        try
        {
            await MariaDbService.ExecuteAsRootAsync(MariaDbService.Root(context.Layout), MariaDbService.ExporterSql(password));
        }
        catch (MySqlConnector.MySqlException e)
        {
            throw new PlatformException($"could not create the 'exporter' database user: {e.Message}", e);
        }

        for (var node = 1; node <= context.Settings.DatabaseNodes; node++)
        {
            ExporterLogin.Write(context.Layout.MysqldExporterNodeSettings(node), MariaDbService.ExporterUser, password, context.Ports.Database, GaleraTopology.Address(node));
        }
    }

    private ResourceInstance Instance(int node)
    {
        var name = ProcessNames.MysqldExporterNode(node);
        var port = context.Ports.MysqldExporterNode(node);
        return new ResourceInstance(name, name,
            [new("http", port, PlatformVariables.MysqldExporterPort, PlatformPorts.Defaults.MysqldExporterNode(node))],
            Probe(port),
            () => ExporterServices.MysqldExporter(port, context.Layout.MysqldExporterNodeSettings(node)));
    }
}
