using System.Globalization;

namespace Platform.Topology.Services;

/// <summary>The stopped nodes of a cluster in the order they start, each with how (<see cref="GaleraStart"/>), and the bootstrap's reason when one founds the cluster.</summary>
public sealed record GaleraStartPlan(IReadOnlyList<(int Node, GaleraStart Start)> Starts, GaleraBootstrapChoice? Bootstrap);

/// <summary>
/// How stopped nodes start, for <c>up</c> and the tests' clusters alike. A cluster that never ran is seeded
/// first (<see cref="GaleraSeed"/>): node 1 founds it and the others start as copies of its data. With a node running, each joins it,
/// a crashed one from its recovered position (so it catches up by IST, not a whole copy). With none running,
/// one founds the cluster again (<see cref="GaleraBootstrap"/>), marked safe when its position was recovered,
/// and the others join it.
/// </summary>
public static class GaleraStartPlanner
{
    private const string NoCluster = "00000000-0000-0000-0000-000000000000";

    /// <param name="files">Each node's files.</param>
    /// <param name="root">How root logs in to each node (a new cluster's seeding asks the founder whether it is synced).</param>
    /// <param name="recoveryLog">Where a node's recovery run logs.</param>
    public static async Task<GaleraStartPlan> PlanAsync(
        string configFile, GaleraTopology cluster, IReadOnlyList<int> stopped, bool anyRunning, Func<int, MariaDbFiles> files,
        Func<int, MariaDbRoot> root, Func<int, string> recoveryLog)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(stopped);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(recoveryLog);
        if (GaleraSeed.Applies(cluster, stopped, anyRunning, files))
        {
            const int seed = 1;
            await GaleraSeed.SeedAsync(configFile, cluster, seed, files, root(seed));
            return new GaleraStartPlan(
                [(seed, new GaleraStart(NewCluster: true)), .. stopped.Where(node => node != seed).Order().Select(node => (node, GaleraStart.Join))],
                new GaleraBootstrapChoice(seed, "a new cluster; the other nodes start as copies of its data and catch up by IST"));
        }

        var records = stopped.Order().Select(node => new GaleraNodeRecord(node, GaleraState.Read(files(node).DataDirectory))).ToList();
        var positions = new Dictionary<int, string>();
        if (anyRunning || GaleraBootstrap.NeedsRecovery(records))
        {
            foreach (var record in records.Where(record => record.State is { Crashed: true } state && state.Uuid != NoCluster && state.Uuid.Length > 0))
            {
                positions[record.Node] = await GaleraService.RecoverPositionAsync(configFile, files(record.Node), cluster, record.Node, recoveryLog(record.Node));
            }
        }

        if (anyRunning)
        {
            return new GaleraStartPlan([.. records.Select(record => (record.Node, Joiner(positions, record.Node)))], null);
        }

        var known = records.Select(record => positions.TryGetValue(record.Node, out var position) ? record with { RecoveredSeqno = Seqno(position) } : record).ToList();
        var choice = GaleraBootstrap.Choose(known);
        var founder = known.Single(record => record.Node == choice.Node);
        if (founder.State is { SafeToBootstrap: false })
        {
            GaleraState.SetSafeToBootstrap(files(founder.Node).DataDirectory);
        }

        return new GaleraStartPlan(
            [(choice.Node, new GaleraStart(NewCluster: true)), .. known.Where(record => record.Node != choice.Node).Select(record => (record.Node, Joiner(positions, record.Node)))],
            choice);
    }

    private static GaleraStart Joiner(Dictionary<int, string> positions, int node) =>
        positions.TryGetValue(node, out var position) ? new GaleraStart(Position: position) : GaleraStart.Join;

    private static long Seqno(string position) => long.Parse(position[(position.LastIndexOf(':') + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
