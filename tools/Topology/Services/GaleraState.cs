using System.Globalization;

namespace Platform.Topology.Services;

/// <summary>
/// What a stopped Galera node's <c>grastate.dat</c> says: the cluster it belonged to, the last writeset it
/// applied (-1 after a crash: its data knows, <c>--wsrep-recover</c> reads it) and whether it was the last
/// to leave, so founding the cluster again from it loses nothing.
/// </summary>
public sealed record GaleraState(string Uuid, long Seqno, bool SafeToBootstrap)
{
    public const string FileName = "grastate.dat";

    private const string SafeKey = "safe_to_bootstrap:";

    /// <summary>True when it did not stop cleanly: its position is in its data, not in this file.</summary>
    public bool Crashed => Seqno < 0;

    /// <summary>The state in <paramref name="dataDirectory"/>, or null when it has none (never a cluster node).</summary>
    public static GaleraState? Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : null;
    }

    /// <summary>The state a grastate.dat's text holds; missing fields read as a crash that is not safe to bootstrap from.</summary>
    public static GaleraState Parse(string text)
    {
        var fields = text.Split('\n')
            .Select(line => line.Trim())
            .Where(line => !line.StartsWith('#') && line.Contains(':', StringComparison.Ordinal))
            .Select(line => (Key: line[..line.IndexOf(':', StringComparison.Ordinal)].Trim(), Value: line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
            .GroupBy(field => field.Key)
            .ToDictionary(group => group.Key, group => group.Last().Value, StringComparer.Ordinal);
        var seqno = long.TryParse(fields.GetValueOrDefault("seqno"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : -1;
        return new GaleraState(fields.GetValueOrDefault("uuid", ""), seqno, fields.GetValueOrDefault("safe_to_bootstrap") == "1");
    }

    /// <summary>
    /// Marks the node in <paramref name="dataDirectory"/> as the one to found the cluster from (or, with
    /// <paramref name="safe"/> false, as one that must not), as Galera's documentation tells an operator to
    /// do by hand once every node's position is known.
    /// </summary>
    public static void SetSafeToBootstrap(string dataDirectory, bool safe = true)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var value = SafeKey + (safe ? " 1" : " 0");
        var lines = File.ReadAllLines(path).Select(line => line.TrimStart().StartsWith(SafeKey, StringComparison.Ordinal) ? value : line);
        Files.AtomicFile.Write(path, string.Join('\n', lines) + "\n");
    }
}

/// <summary>A stopped node as the bootstrap decision sees it.</summary>
/// <param name="State">Its grastate.dat, or null when it has none.</param>
/// <param name="RecoveredSeqno">After a crash, the seqno <c>--wsrep-recover</c> read from its data.</param>
public sealed record GaleraNodeRecord(int Node, GaleraState? State, long? RecoveredSeqno = null)
{
    /// <summary>How far it got: its recovered or saved seqno, -1 when unknown.</summary>
    public long Seqno => RecoveredSeqno ?? State?.Seqno ?? -1;
}

/// <summary>Which node founds the cluster again when none runs, and why, as <c>up</c> tells the operator.</summary>
public sealed record GaleraBootstrapChoice(int Node, string Reason);

/// <summary>
/// Who bootstraps a cluster none of whose nodes runs: every data directory new, node 1; else the node that
/// left last (safe_to_bootstrap: 1); else, after a crash of the whole cluster, the most advanced node once
/// each node's position is recovered. Galera's own rules, in the order its documentation gives them.
/// </summary>
public static class GaleraBootstrap
{
    /// <summary>True when no node is known safe and some were cluster nodes: every crashed node's position must be recovered first.</summary>
    public static bool NeedsRecovery(IReadOnlyList<GaleraNodeRecord> nodes) =>
        nodes.Any(node => node.State is not null) && !nodes.Any(node => node.State is { SafeToBootstrap: true });

    /// <summary>The node to bootstrap from.</summary>
    /// <exception cref="InvalidOperationException">Recovery is needed and a crashed node's position is missing.</exception>
    public static GaleraBootstrapChoice Choose(IReadOnlyList<GaleraNodeRecord> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.All(node => node.State is null))
        {
            return new(nodes.Min(node => node.Node), "a new cluster");
        }

        if (nodes.Where(node => node.State is { SafeToBootstrap: true }).OrderByDescending(node => node.Seqno).ThenBy(node => node.Node).FirstOrDefault() is { } safe)
        {
            return new(safe.Node, "it was the last to stop (safe_to_bootstrap: 1)");
        }

        if (nodes.FirstOrDefault(node => node.State is { Crashed: true } && node.RecoveredSeqno is null) is { } unknown)
        {
            throw new InvalidOperationException($"node {unknown.Node} crashed and its position was not recovered");
        }

        var advanced = nodes.Where(node => node.State is not null).OrderByDescending(node => node.Seqno).ThenBy(node => node.Node).First();
        var positions = string.Join(", ", nodes.Where(node => node.State is not null).Select(node => string.Create(CultureInfo.InvariantCulture, $"node {node.Node} at {node.Seqno}")));
        return new(advanced.Node, $"the whole cluster stopped without a clean shutdown; recovered positions: {positions}; node {advanced.Node} is the most advanced");
    }
}
