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

    public override IReadOnlyList<ResourceInstance> Instances =>
    [
        new(Name, Name,
            [new("http", context.Ports.MysqldExporter, PlatformVariables.MysqldExporterPort, PlatformPorts.Defaults.MysqldExporter)],
            Probe(context.Ports.MysqldExporter),
            () => ExporterServices.MysqldExporter(context.Ports.MysqldExporter, context.Layout.MysqldExporterSettings)),
    ];

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
            await MariaDbService.ExecuteAsRootAsync(context.Layout.MariaDbSocket, MariaDbService.ExporterSql(password));
        }
        catch (MySqlConnector.MySqlException e)
        {
            throw new PlatformException($"could not create the 'exporter' database user: {e.Message}", e);
        }

        ExporterLogin.Write(settings, MariaDbService.ExporterUser, password, context.Ports.Database);
    }
}
