using Platform.Topology.Files;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>
/// MariaDB: one server on the state directory's data, started from api/Database/mariadb.cnf
/// (<see cref="MariaDbService"/>); its data directory is initialised on first start, and once it answers,
/// the 'platform' database and user are provisioned, every time, so the password matches the replicas'.
/// </summary>
public sealed class MariaDbResource(ResourceContext context) : PlatformResource
{
    private StateLayout Layout => context.Layout;

    public override string Name => ProcessNames.MariaDb;

    public override ResourceKind Kind => ResourceKind.Data;

    // InnoDB recovers from a SIGKILL, but a clean shutdown is always tried first and given time.
    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(120);

    public override IReadOnlyList<ResourceInstance> Instances =>
    [
        new(ProcessNames.MariaDb, "MariaDB",
            [new("tcp", context.Ports.Database, PlatformVariables.DatabasePort, PlatformPorts.Defaults.Database)],
            Probe(MariaDbService.Root(Layout), Layout.Display(Layout.MariaDbSocket)),
            () => MariaDbService.Start(MariaDbService.ConfigFile(Layout.Root), MariaDbService.Files(Layout), context.Ports.Database)),
    ];

    /// <summary>Ready when <paramref name="root"/> logs in through the socket and the server answers a ping.</summary>
    /// <param name="shownAs">How messages show the socket's path.</param>
    public static Readiness Probe(MariaDbRoot root, string shownAs) => new(
        $"answering ping on {shownAs}",
        async () => await MariaDbService.PingAsync(root) ? "ping ok" : "no answer",
        answer => answer == "ping ok");

    /// <summary>One server, not a cluster: refused while a cluster's other nodes run.</summary>
    public override Task ConfigureAsync()
    {
        GaleraClusterResource.RequireNoClusterNodes(context);
        return Task.CompletedTask;
    }

    public override async Task PrepareAsync()
    {
        var config = MariaDbService.ConfigFile(Layout.Root);
        if (!File.Exists(config))
        {
            throw new PlatformException($"missing {Layout.Display(config)}");
        }

        var files = MariaDbService.Files(Layout);
        await InitialiseAsync(files);
        // A socket file left by a server that did not stop cleanly would keep the new one from binding.
        File.Delete(files.Socket);
        files.CreateDirectories();
    }

    /// <summary>The database and its user (with the platform's password), idempotently.</summary>
    public override async Task OnReadyAsync()
    {
        try
        {
            await MariaDbService.ExecuteAsRootAsync(MariaDbService.Root(Layout), MariaDbService.ProvisionSql(context.DatabasePassword()));
        }
        catch (MySqlConnector.MySqlException e)
        {
            throw new PlatformException($"could not create the 'platform' database and user: {e.Message}", e);
        }
    }

    public override void OnStopped()
    {
        if (File.Exists(Layout.MariaDbSocket))
        {
            File.Delete(Layout.MariaDbSocket);
        }
    }

    // Creates the system tables in a scratch directory and moves it into place only on success, so an
    // interrupted initialisation never leaves a half-made data directory behind. A cluster's nodes too.
    private Task InitialiseAsync(MariaDbFiles files) => InitialiseAsync(context, files, ProcessNames.MariaDb);

    internal static async Task InitialiseAsync(ResourceContext context, MariaDbFiles files, string name)
    {
        var layout = context.Layout;
        if (Directory.Exists(Path.Combine(files.DataDirectory, "mysql")))
        {
            return;
        }

        if (Directory.Exists(files.DataDirectory) && Directory.EnumerateFileSystemEntries(files.DataDirectory).Any())
        {
            throw new PlatformException($"{layout.Display(files.DataDirectory)} is not empty but holds no MariaDB system tables; move it away and run 'up' again");
        }

        context.Narrator.Info($"initialising {name}'s data directory");
        var scratch = UniqueDirectory.Create(layout.State, "mariadb-init.");
        files.CreateDirectories();
        var log = layout.Log("mariadb-install-db");
        var (exitCode, output) = await MariaDbService.InstallAsync(scratch, files.TempDirectory, MariaDbService.Root(layout), TimeSpan.FromMinutes(5));
        await File.WriteAllTextAsync(log, output);
        if (exitCode != 0)
        {
            Directory.Delete(scratch, recursive: true);
            context.Narrator.ShowLogTail(log, layout.Display(log));
            throw new PlatformException("mariadb-install-db failed");
        }

        if (Directory.Exists(files.DataDirectory))
        {
            Directory.Delete(files.DataDirectory, recursive: true);
        }

        Directory.Move(scratch, files.DataDirectory);
    }
}
