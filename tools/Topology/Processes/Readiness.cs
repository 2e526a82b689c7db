namespace Platform.Topology.Processes;

/// <summary>
/// How to tell that a server is ready, defined once per server: <c>up</c> waits until <see cref="IsReady"/>
/// holds for what <see cref="AskAsync"/> answers, <c>status</c> shows that answer as its health column, and
/// the tests' fixtures wait on the same probe.
/// </summary>
/// <param name="Description">What ready means, as messages say it: <c>answering /-/ready on port 9090</c>.</param>
/// <param name="AskAsync">Asks the server once, bounded: <c>HTTP 200</c>, <c>PONG</c>, <c>ping ok</c>, or why not.</param>
/// <param name="IsReady">Whether an answer means ready.</param>
public sealed record Readiness(string Description, Func<Task<string>> AskAsync, Func<string, bool> IsReady)
{
    /// <summary>Ready when http://127.0.0.1:<paramref name="port"/><paramref name="path"/> answers 2xx.</summary>
    public static Readiness Http(int port, string path) => new(
        FormattableString.Invariant($"answering {path} on port {port}"),
        () => Probes.HttpHealthAsync(Probes.Local(port, path)),
        answer => answer.StartsWith("HTTP 2", StringComparison.Ordinal));

    /// <summary>Asks once; true when the answer means ready.</summary>
    public async Task<bool> CheckAsync() => IsReady(await AskAsync());
}
