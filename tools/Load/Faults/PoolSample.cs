namespace Platform.Load.Faults;

/// <summary>
/// One replica's request pool at one moment, from MySqlConnector's own metrics on its management port:
/// connections in use, the pool's maximum, requests waiting for a connection, and timeouts so far.
/// Null where the replica did not answer.
/// </summary>
public sealed record PoolSample(double AtMs, string Replica, double? Used, double? Max, double? Pending, double? Timeouts)
{
    /// <summary>Every connection handed out, or somebody waiting for one.</summary>
    public bool Exhausted => Used >= Max || Pending > 0;
}
