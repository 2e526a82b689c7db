using System.Diagnostics;
using System.Security.Cryptography;
using MySqlConnector;

namespace Platform.Testing;

/// <summary>
/// A throwaway MariaDB server: fresh data directory under the temp folder, a free loopback port, the
/// repository's api/Database/mariadb.cnf, a <c>platform</c> database and a <c>platform</c> user with a
/// random password. Stop and start it again to test what happens when the database goes away.
/// </summary>
public sealed class MariaDbServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly string _mariadbd;
    private readonly ScratchDirectory _directory;
    private readonly OutputTail _output = new();
    private ChildProcess? _process;

    private MariaDbServer(string mariadbd, ScratchDirectory directory, int port, string appPassword, string exporterPassword)
    {
        _mariadbd = mariadbd;
        _directory = directory;
        Port = port;
        RootConnectionString = ConnectionString("root", password: null, database: "platform");
        AppConnectionString = ConnectionString("platform", appPassword, database: "platform");
        ExporterConnectionString = ConnectionString("exporter", exporterPassword, database: null);
    }

    public int Port { get; }

    /// <summary>The server's data directory (deleted on dispose).</summary>
    public string DataDirectory => _directory.Combine("data");

    /// <summary>root over TCP, no password, database <c>platform</c>.</summary>
    public string RootConnectionString { get; }

    /// <summary>The <c>platform</c> user, granted ALL on <c>platform.*</c>: what the API is given.</summary>
    public string AppConnectionString { get; }

    /// <summary>The <c>exporter</c> user, as `./platform up` provisions it: PROCESS, REPLICATION CLIENT, SELECT on performance_schema.</summary>
    public string ExporterConnectionString { get; }

    /// <summary>Process id of the running server, or null while stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } ? _process.Id : null;

    private string LogFile => _directory.Combine("mariadb.log");

    // Every server needs its own: at start-up mariadbd deletes all #sql* files in its tmpdir, which
    // in a shared /tmp are the temporary tables of the other servers the tests run in parallel.
    private string TempDirectory => _directory.Combine("tmp");

    /// <summary>Creates, starts and provisions a server; skips or fails the test when mariadbd is missing (see <see cref="RequiredServer"/>).</summary>
    public static async Task<MariaDbServer> StartAsync()
    {
        var mariadbd = RequiredServer.Locate("mariadbd");
        var installDb = RequiredServer.Locate("mariadb-install-db");
        var directory = ScratchDirectory.Create("platform-mariadb-");
        var server = new MariaDbServer(mariadbd, directory, FreePort.Next(),
            Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        try
        {
            Directory.CreateDirectory(server.TempDirectory);
            var (exitCode, output) = await ChildProcess.RunAsync(
                installDb,
                ["--no-defaults", .. RunAsRoot(), $"--datadir={server.DataDirectory}", $"--tmpdir={server.TempDirectory}",
                 "--auth-root-authentication-method=normal", "--skip-test-db"],
                StartTimeout);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"mariadb-install-db exited with {exitCode}:{Environment.NewLine}{output}");
            }

            await server.StartProcessAsync();
            await server.ProvisionAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Graceful shutdown (SIGTERM) and wait for the process to exit. Data stays.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync(StopTimeout);
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Starts the stopped server again on the same data directory and port; returns when it answers.</summary>
    public Task StartAgainAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("The server is running; stop it first.");
        }

        return StartProcessAsync();
    }

    /// <summary>Kills the server and deletes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        // Pooled connections to this server are dead now; release their sockets.
        foreach (var connectionString in new[] { RootConnectionString, AppConnectionString })
        {
            await using var connection = new MySqlConnection(connectionString);
            await MySqlConnection.ClearPoolAsync(connection);
        }

        _directory.Delete();
    }

    private static string[] RunAsRoot() => Environment.UserName == "root" ? ["--user=root"] : [];

    private async Task StartProcessAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _process = ChildProcess.Start(
            _mariadbd,
            [$"--defaults-file={RepositoryRoot.Combine("api", "Database", "mariadb.cnf")}", .. RunAsRoot(),
             $"--datadir={DataDirectory}", $"--tmpdir={TempDirectory}", $"--socket={Path.Combine(DataDirectory, "mysqld.sock")}",
             $"--port={Port}", $"--pid-file={_directory.Combine("mariadb.pid")}", $"--log-error={LogFile}"],
            output: _output);

        var probe = ConnectionString("root", password: null, database: null, timeoutSeconds: 2, pooling: false);
        Exception? lastError = null;
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mariadbd exited with {_process.ExitCode} while starting.{Environment.NewLine}{Diagnostics()}");
            }

            try
            {
                await using var connection = new MySqlConnection(probe);
                await connection.OpenAsync();
                return;
            }
            catch (MySqlException e)
            {
                lastError = e;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"mariadbd did not answer on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds:0} s (last error: {lastError?.Message}).{Environment.NewLine}{Diagnostics()}");
    }

    private async Task ProvisionAsync()
    {
        var password = new MySqlConnectionStringBuilder(AppConnectionString).Password;
        var exporterPassword = new MySqlConnectionStringBuilder(ExporterConnectionString).Password;
        await using var connection = new MySqlConnection(ConnectionString("root", password: null, database: null, pooling: false));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE DATABASE platform CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
            CREATE USER 'platform'@'127.0.0.1' IDENTIFIED BY '{password}';
            GRANT ALL ON platform.* TO 'platform'@'127.0.0.1';
            CREATE USER 'exporter'@'127.0.0.1' IDENTIFIED BY '{exporterPassword}' WITH MAX_USER_CONNECTIONS 3;
            GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'exporter'@'127.0.0.1';
            GRANT SELECT ON performance_schema.* TO 'exporter'@'127.0.0.1';
            """;
        await command.ExecuteNonQueryAsync();
    }

    private string ConnectionString(string user, string? password, string? database, int timeoutSeconds = 15, bool pooling = true)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)Port,
            UserID = user,
            ConnectionTimeout = (uint)timeoutSeconds,
            Pooling = pooling,
        };
        if (password is not null)
        {
            builder.Password = password;
        }

        if (database is not null)
        {
            builder.Database = database;
        }

        return builder.ConnectionString;
    }

    private string Diagnostics()
    {
        var log = File.Exists(LogFile) ? string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(40)) : "(no log file)";
        return $"--- {LogFile} (tail) ---{Environment.NewLine}{log}{Environment.NewLine}--- output ---{Environment.NewLine}{_output}";
    }
}
