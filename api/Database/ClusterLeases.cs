using Microsoft.Extensions.Options;
using MySqlConnector;
using Platform.Api.Observability;

namespace Platform.Api.Database;

/// <summary>The leases a replica competes for (<see cref="ClusterLease"/>), all held in this process's name.</summary>
public sealed class ClusterLeases(
    [FromKeyedServices(Databases.Background)] MySqlDataSource database,
    IOptions<ReplicaOptions> replica,
    IOptions<DatabaseOptions> options,
    TimeProvider clock)
{
    public const string Schema = "schema";
    public const string OutboxRelay = "outbox-relay";
    public const string ExpirySweep = "expiry-sweep";

    /// <summary>
    /// The replica's id and this process's own suffix: a replica restarted under the same id is a new
    /// holder, and never mistakes its previous life's lease for its own.
    /// </summary>
    public string Holder { get; } = $"{replica.Value.Id}/{Guid.NewGuid():N}";

    /// <summary>A lease renewed by its holder while it works (the relay, the sweep).</summary>
    public ClusterLease Create(string name) => Create(name, TimeSpan.FromSeconds(options.Value.LeaseSeconds));

    public ClusterLease Create(string name, TimeSpan duration) => new(
        database, name, Holder, duration, TimeSpan.FromSeconds(options.Value.BackgroundStatementTimeoutSeconds), clock);
}
