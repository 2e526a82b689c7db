using Platform.Topology.Processes;
using System.Security.Cryptography;
using MySqlConnector;
using Platform.Topology;
using Platform.Topology.Files;
using Platform.Topology.Resources;
using Platform.Topology.Services;

namespace Platform.Testing;

/// <summary>
/// A throwaway MariaDB server, created, started and provisioned exactly as <c>./platform up</c> does it
/// (<see cref="MariaDbService"/>): fresh data directory under the temp folder, a free loopback port, the
/// repository's api/Database/mariadb.cnf, a <c>platform</c> database and user and an <c>exporter</c> user
/// with random passwords, root through the socket only and with its own random password, kept in
/// <see cref="RootPasswordFile"/> (0600) as <c>up</c> keeps it. Stop and start it again to test what happens
/// when the database goes away.
/// </summary>
public sealed class MariaDbServer : RestartableServer
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromSeconds(60);

    private readonly ScratchDirectory _directory;
    private readonly MariaDbFiles _files;
    private readonly string _appPassword;
    private readonly string _exporterPassword;

    private MariaDbServer(ScratchDirectory directory, int port, string appPassword, string exporterPassword, string rootPassword)
    {
        _directory = directory;
        Port = port;
        _appPassword = appPassword;
        _exporterPassword = exporterPassword;
        _files = new MariaDbFiles(
            directory.Combine("data"), directory.Combine("mariadb.sock"), directory.Combine("tmp"),
            directory.Combine("mariadb.pid"), directory.Combine("mariadb.log"), directory.Combine("binlog"));
        Root = new MariaDbRoot(_files.Socket, rootPassword);
        RootPasswordFile = directory.Combine("root-password");
        RootConnectionString = MariaDbService.RootConnectionString(Root, MariaDbService.Database, pooling: true);
        AppConnectionString = MariaDbService.TcpConnectionString(port, MariaDbService.AppUser, appPassword);
        ExporterConnectionString = MariaDbService.TcpConnectionString(port, MariaDbService.ExporterUser, exporterPassword, database: null);
    }

    public int Port { get; }

    /// <summary>The server's data directory (deleted on dispose).</summary>
    public string DataDirectory => _files.DataDirectory;

    /// <summary>Every file the server keeps, its binary log (apart from the data) and socket among them, all in its scratch directory.</summary>
    public MariaDbFiles Files => _files;

    /// <summary>root's login: the socket and the password.</summary>
    public MariaDbRoot Root { get; }

    /// <summary>root's password alone, in a file of this user's only (what compose's backup script is given as a secret).</summary>
    public string RootPasswordFile { get; }

    /// <summary>
    /// root through the server's Unix socket with its password, database <c>platform</c>, pooled: provisioning drops root's
    /// TCP accounts, as in production.
    /// </summary>
    public string RootConnectionString { get; }

    /// <summary>The <c>platform</c> user over TCP, granted ALL on <c>platform.*</c>: what the API is given.</summary>
    public string AppConnectionString { get; }

    /// <summary>The <c>exporter</c> user over TCP, as `./platform up` provisions it: PROCESS, REPLICATION CLIENT, SELECT on performance_schema.</summary>
    public string ExporterConnectionString { get; }


    /// <summary>Creates, starts and provisions a server; skips or fails the test when mariadbd is missing (see <see cref="RequiredServer"/>).</summary>
    public static async Task<MariaDbServer> StartAsync()
    {
        RequiredServer.Locate(MariaDbService.Server);
        RequiredServer.Locate(MariaDbService.InstallDb);
        var directory = ScratchDirectory.Create("platform-mariadb-");
        MariaDbServer server;
        try
        {
            server = new MariaDbServer(directory, FreePort.Next(), RandomPassword(), RandomPassword(), RandomPassword());
        }
        catch
        {
            directory.Delete(); // A socket path too long for the kernel is refused before anything starts.
            throw;
        }

        try
        {
            server._files.CreateDirectories();
            AtomicFile.Write(server.RootPasswordFile, server.Root.Password + "\n", secret: true);
            var (exitCode, output) = await MariaDbService.InstallAsync(server._files.DataDirectory, server._files.TempDirectory, server.Root, InstallTimeout);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"{MariaDbService.InstallDb} exited with {exitCode}:{Environment.NewLine}{output}");
            }

            await server.StartProcessAsync();
            await MariaDbService.ExecuteAsRootAsync(server.Root, MariaDbService.ProvisionSql(server._appPassword));
            await MariaDbService.ExecuteAsRootAsync(server.Root, MariaDbService.ExporterSql(server._exporterPassword));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server, releases pooled connections to it and deletes its data directory.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();

        // Pooled connections to this server are dead now; release their sockets.
        foreach (var connectionString in new[] { RootConnectionString, AppConnectionString })
        {
            await using var connection = new MySqlConnection(connectionString);
            await MySqlConnection.ClearPoolAsync(connection);
        }

        _directory.Delete();
    }

    // Hex: the passwords go into SQL and connection strings unescaped.
    private static string RandomPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    protected override string Program => "mariadbd";

    protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(60);

    protected override ServiceCommand Command() => MariaDbService.Start(MariaDbService.ConfigFile(RepositoryRoot.Path), _files, Port);

    // Through the socket, as root: mariadbd binds its TCP port and its socket before it accepts on either.
    protected override Readiness Probe() => MariaDbResource.Probe(Root, _files.Socket);

    protected override string Diagnostics()
    {
        var log = File.Exists(_files.LogFile) ? string.Join(Environment.NewLine, File.ReadLines(_files.LogFile).TakeLast(40)) : "(no log file)";
        return $"--- {_files.LogFile} (tail) ---{Environment.NewLine}{log}{Environment.NewLine}--- output ---{Environment.NewLine}{Output}";
    }
}
