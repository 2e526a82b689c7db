namespace Platform.Topology.Services;

/// <summary>
/// How the platform's own tooling logs in to one MariaDB server as root: through its Unix socket (in a
/// directory only this user may enter) with the generated password (<see cref="MariaDbService.SecureRootSql"/>).
/// </summary>
/// <param name="Socket">The server's socket.</param>
/// <param name="Password">root's password: the state directory's <c>mariadb-root-password</c> for <c>up</c>'s servers.</param>
public sealed record MariaDbRoot(string Socket, string Password)
{
    /// <summary>The same login on another server's socket (a cluster's node, the private restore server).</summary>
    public MariaDbRoot At(string socket) => this with { Socket = socket };

    // Records print their members; this one holds a password.
    public override string ToString() => $"root through {Socket}";
}
