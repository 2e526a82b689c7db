using System.Globalization;
using MySqlConnector;
using Platform.Topology.Files;
using Platform.Topology.Processes;

namespace Platform.Topology.Services;

/// <summary>
/// The files one MariaDB server keeps: its data, socket, private tmpdir, pid file, error log and binary log
/// (a directory of its own, apart from the data, so losing the data directory does not lose it). A socket
/// path past the kernel's limit is refused here, before anything is created: it would only fail later, as a
/// server that never answers.
/// </summary>
public sealed record MariaDbFiles(string DataDirectory, string Socket, string TempDirectory, string PidFile, string LogFile, string BinlogDirectory)
{
    /// <summary>The binary log files' names: <c>mariadb-bin.000001</c>, ... and the index <c>mariadb-bin.index</c>.</summary>
    public const string BinlogBaseName = "mariadb-bin";

    /// <summary>The --log-bin value: the binary log's directory and base name.</summary>
    public string BinlogBase => Path.Combine(BinlogDirectory, BinlogBaseName);

    /// <summary>Creates what the server needs and does not create itself: its tmpdir and its binary log directory.</summary>
    public void CreateDirectories()
    {
        PrivateDirectory.Create(TempDirectory);
        PrivateDirectory.Create(BinlogDirectory);
    }

    /// <summary>A Unix socket path is limited to 107 bytes.</summary>
    public const int MaxSocketPath = 107;

    /// <exception cref="PlatformException">The path is longer than a Unix socket's may be.</exception>
    public string Socket { get; init; } = System.Text.Encoding.UTF8.GetByteCount(Socket) <= MaxSocketPath
        ? Socket
        : throw new PlatformException(
            $"MariaDB's socket path {Socket} is longer than the {MaxSocketPath} bytes a Unix socket's may be; move the state directory ({PlatformVariables.StateDir}) or the checkout to a shorter path");
}

/// <summary>
/// How a MariaDB server is created and started, for <c>./platform up</c> and for the tests' throwaway
/// servers alike: the repository's api/Database/mariadb.cnf, loopback only, root through the socket only and
/// with a password (<see cref="SecureRootSql"/>).
/// </summary>
public static class MariaDbService
{
    public const string Server = "mariadbd";
    public const string InstallDb = "mariadb-install-db";

    /// <summary>The database the replicas use, and its user.</summary>
    public const string Database = "platform";
    public const string AppUser = "platform";

    /// <summary>The exporter's own least-privileged user.</summary>
    public const string ExporterUser = "exporter";

    /// <summary>How <c>up</c>'s tooling logs in as root to node <paramref name="node"/> (1: the single server); the password is made on first use.</summary>
    public static MariaDbRoot Root(StateLayout layout, int node = 1) => new(layout.DatabaseNodeSocket(node), Secrets.EnsurePassword(layout.RootPasswordFile));

    /// <summary>The repository's server settings (--defaults-file).</summary>
    public static string ConfigFile(string repositoryRoot) => Path.Combine(repositoryRoot, "api", "Database", "mariadb.cnf");

    /// <summary>The files of <c>./platform up</c>'s server, under the state directory.</summary>
    public static MariaDbFiles Files(StateLayout layout) => new(
        layout.MariaDbData, layout.MariaDbSocket, layout.MariaDbTemp, Path.Combine(layout.MariaDbData, "mariadbd.pid"), layout.Log(ProcessNames.MariaDb),
        layout.MariaDbBinlog);

    /// <summary>
    /// Creates the system tables in <paramref name="dataDirectory"/>, and in the same bootstrap gives root
    /// its password (<paramref name="rootSqlFile"/>, <see cref="SecureRootSql"/>): a new server never
    /// answers with a root that has none, not even for the moment before the platform logs in.
    /// </summary>
    public static ServiceCommand Install(string dataDirectory, string tempDirectory, string rootSqlFile) => new(
        Binaries.Require(InstallDb),
        ["--no-defaults", $"--user={Environment.UserName}", $"--datadir={dataDirectory}", $"--tmpdir={tempDirectory}",
         "--auth-root-authentication-method=normal", "--skip-test-db", $"--extra-file={rootSqlFile}"]);

    /// <summary>
    /// Runs <see cref="Install"/> with <paramref name="root"/>'s password in a file of this user's only in
    /// <paramref name="tempDirectory"/> (the SQL holds the password; a command line would show it to every
    /// user in <c>ps</c>), deleted as soon as the bootstrap has read it.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> InstallAsync(string dataDirectory, string tempDirectory, MariaDbRoot root, TimeSpan timeout)
    {
        var sqlFile = Path.Combine(tempDirectory, $"root-{Guid.NewGuid():N}.sql");
        AtomicFile.Write(sqlFile, SecureRootSql(root.Password), secret: true);
        try
        {
            return await CommandRunner.RunAsync(Install(dataDirectory, tempDirectory, sqlFile), timeout);
        }
        finally
        {
            File.Delete(sqlFile);
        }
    }

    /// <summary>
    /// root@localhost logs in through the socket as this machine's root (unix_socket) or with
    /// <paramref name="rootPassword"/>: CI runs the platform as the system's root, a workstation as a normal
    /// user, and both keep working; another local user has neither. root's TCP accounts (loopback and this
    /// host's name, which mariadb-install-db creates without a password) are dropped: root never logs in
    /// over TCP. FLUSH PRIVILEGES first: in mariadb-install-db's bootstrap the grant tables are not loaded
    /// yet, and ALTER USER needs them; on a running server it is harmless.
    /// </summary>
    public static string SecureRootSql(string rootPassword) => $"""
        FLUSH PRIVILEGES;
        ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('{Quoted(rootPassword)}');
        DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'{Quoted(System.Net.Dns.GetHostName())}';
        """;

    /// <summary>
    /// The server on <paramref name="port"/>. Its tmpdir is its own: at start-up mariadbd deletes every
    /// #sql* file there, which in a shared /tmp would be other servers' temporary tables. The binary log
    /// goes to <see cref="MariaDbFiles.BinlogDirectory"/>, which must exist (<see cref="MariaDbFiles.CreateDirectories"/>).
    /// </summary>
    public static ServiceCommand Start(string configFile, MariaDbFiles files, int port)
    {
        return new(
            Binaries.Require(Server),
            // --defaults-file must be the first option.
            [$"--defaults-file={configFile}", $"--user={Environment.UserName}", $"--datadir={files.DataDirectory}",
             $"--socket={files.Socket}", $"--port={port.ToString(CultureInfo.InvariantCulture)}", "--bind-address=127.0.0.1",
             $"--pid-file={files.PidFile}", $"--log-error={files.LogFile}", $"--tmpdir={files.TempDirectory}",
             $"--log-bin={files.BinlogBase}"]);
    }

    /// <summary>
    /// A private server for restore: the same settings on a restored data directory, reachable through its
    /// socket only (no TCP port, so no client can write while binary logs are replayed).
    /// </summary>
    public static ServiceCommand StartPrivate(string configFile, MariaDbFiles files)
    {
        return new(
            Binaries.Require(Server),
            [$"--defaults-file={configFile}", $"--user={Environment.UserName}", $"--datadir={files.DataDirectory}",
             $"--socket={files.Socket}", "--skip-networking",
             $"--pid-file={files.PidFile}", $"--log-error={files.LogFile}", $"--tmpdir={files.TempDirectory}",
             $"--log-bin={files.BinlogBase}"]);
    }

    /// <summary>root through <paramref name="root"/>'s socket with its password: the only way root logs in.</summary>
    public static string RootConnectionString(MariaDbRoot root, string? database = null, bool pooling = false) =>
        new MySqlConnectionStringBuilder
        {
            Server = root.Socket,
            ConnectionProtocol = MySqlConnectionProtocol.UnixSocket,
            UserID = "root",
            Password = root.Password,
            Database = database ?? "",
            Pooling = pooling,
            ConnectionTimeout = 5,
        }.ConnectionString;

    /// <summary>
    /// The environment that gives a command-line client (<c>mariadb</c>, <c>mariadb-backup</c>) root's
    /// password: MYSQL_PWD, which both read. Not an argument: every local user sees a process's command line
    /// (<c>ps</c>); its environment (/proc/PID/environ) only its own user and the system's root may read.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ClientEnvironment(MariaDbRoot root) =>
        new Dictionary<string, string> { ["MYSQL_PWD"] = root.Password };

    /// <summary>
    /// An open connection as root. A data directory made by an earlier version has a root without a
    /// password: when the password is refused and no password is accepted, root is given its password
    /// (<see cref="SecureRootSql"/>) on this first login, so <c>up</c>, a restore of an older backup and
    /// a cluster's node upgrade in place, once; afterwards the password is what lets root in.
    /// </summary>
    /// <exception cref="MySqlException">root cannot log in, with the password or (on an old data directory) without.</exception>
    public static async Task<MySqlConnection> OpenRootAsync(MariaDbRoot root, CancellationToken cancellationToken = default)
    {
        var connection = new MySqlConnection(RootConnectionString(root));
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.AccessDenied)
        {
            await connection.DisposeAsync();
        }

        var passwordless = new MySqlConnection(new MySqlConnectionStringBuilder(RootConnectionString(root)) { Password = "" }.ConnectionString);
        try
        {
            await passwordless.OpenAsync(cancellationToken);
            await using var command = passwordless.CreateCommand();
            command.CommandText = SecureRootSql(root.Password);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return passwordless;
        }
        catch
        {
            await passwordless.DisposeAsync();
            throw;
        }
    }

    /// <summary>A user over TCP on 127.0.0.1 (the replicas', the exporter's and the audit's way in).</summary>
    public static string TcpConnectionString(int port, string user, string password, string? database = Database) =>
        new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)port,
            UserID = user,
            Password = password,
            Database = database ?? "",
        }.ConnectionString;

    /// <summary>
    /// The database and its user, idempotently: created once; the password is (re)set every time so it
    /// always matches what the replicas are given. root's own login is <see cref="SecureRootSql"/>.
    /// </summary>
    public static string ProvisionSql(string appPassword) => $"""
        CREATE DATABASE IF NOT EXISTS {Database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE USER IF NOT EXISTS '{AppUser}'@'127.0.0.1' IDENTIFIED BY '{Quoted(appPassword)}';
        ALTER USER '{AppUser}'@'127.0.0.1' IDENTIFIED BY '{Quoted(appPassword)}';
        GRANT ALL PRIVILEGES ON {Database}.* TO '{AppUser}'@'127.0.0.1';
        """;

    /// <summary>
    /// The exporter's user: it may see every session (PROCESS) and the server's status and variables,
    /// and read nothing else; three connections at most, so it can never crowd out the replicas.
    /// </summary>
    public static string ExporterSql(string exporterPassword) => $"""
        CREATE USER IF NOT EXISTS '{ExporterUser}'@'127.0.0.1' IDENTIFIED BY '{Quoted(exporterPassword)}';
        ALTER USER '{ExporterUser}'@'127.0.0.1' IDENTIFIED BY '{Quoted(exporterPassword)}' WITH MAX_USER_CONNECTIONS 3;
        GRANT PROCESS, REPLICATION CLIENT ON *.* TO '{ExporterUser}'@'127.0.0.1';
        GRANT SELECT ON performance_schema.* TO '{ExporterUser}'@'127.0.0.1';
        """;

    /// <summary>Runs <paramref name="sql"/> as root through the socket.</summary>
    public static async Task ExecuteAsRootAsync(MariaDbRoot root, string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenRootAsync(root, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 60;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>True when root can log in through the socket and the server answers.</summary>
    public static async Task<bool> PingAsync(MariaDbRoot root, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenRootAsync(root, cancellationToken);
            return await connection.PingAsync(cancellationToken);
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>A password goes into SQL between single quotes; the generated ones never need this, an operator's might.</summary>
    private static string Quoted(string password) => password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal);
}
