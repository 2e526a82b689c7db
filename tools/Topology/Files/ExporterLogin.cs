using System.Globalization;

namespace Platform.Topology.Files;

/// <summary>The MariaDB exporter's client settings file (<c>--config.my-cnf</c>): its own user and password, this user's only.</summary>
public static class ExporterLogin
{
    /// <param name="host">The server's address: a cluster's node N is on 127.0.0.N.</param>
    public static void Write(string path, string user, string password, int databasePort, string host = "127.0.0.1") => AtomicFile.Write(
        path,
        string.Create(CultureInfo.InvariantCulture, $"[client]\nuser={user}\npassword={password}\nhost={host}\nport={databasePort}\n"),
        secret: true);

    /// <summary>The password a settings file holds, or null: a running exporter read it at its start, so it is kept.</summary>
    public static string? ReadPassword(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(line => line.StartsWith("password=", StringComparison.Ordinal)).Select(line => line["password=".Length..]).FirstOrDefault()
            : null;
}
