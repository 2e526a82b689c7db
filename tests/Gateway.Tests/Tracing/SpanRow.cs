namespace Platform.Gateway.Tests.Tracing;

/// <summary>
/// One row of <see cref="TraceDetailPage"/> as the page shows it: a span's name, its resource, the address the
/// viewer shows beside a call whose callee traced nothing of it (<c>server.address</c>), and whether its status is an error.
/// </summary>
public sealed record SpanRow(string Name, string Resource, string? Peer = null, bool Error = false)
{
    /// <summary>A span of the replica <paramref name="replica"/> (its <c>X-Replica</c>), or of the API while the viewer names no instance.</summary>
    public bool IsReplica(string replica) => Resource == "api" || Resource == "api-" + replica;

    /// <summary>A MariaDB statement (or a connection's opening), as MySqlConnector names it and the viewer shows it.</summary>
    public bool IsStatement => Name.StartsWith("DATA mysql ", StringComparison.Ordinal);

    public override string ToString() => $"{Resource}: {Name}{(Peer is null ? "" : " → " + Peer)}{(Error ? " (error)" : "")}";
}
