using System.Globalization;

namespace Platform.Api.Database;

/// <summary>
/// Server-side limits on how long statements may run and wait for locks, as one SET to put at the
/// head of a batch (no extra round trip). They are session variables; MySqlConnector resets the
/// session on every checkout (<c>ConnectionReset</c>), so they never outlive the work that set them.
/// A batch headed by <see cref="Session"/> is multi-statement: the driver gets no cancellable token
/// for it; what must stop it early kills its session (<see cref="SessionKiller"/>), and its own limits
/// end it otherwise.
/// </summary>
public static class StatementLimits
{
    /// <summary>
    /// <c>max_statement_time</c> (fractional seconds; 0 would mean unlimited, hence the floor of a
    /// millisecond) interrupts a statement wherever it waits, a global read lock and a COMMIT
    /// included (error 1969). The lock waits take whole seconds of at least 1, so they are rounded
    /// up: they are there for servers or statements max_statement_time does not cover.
    /// </summary>
    public static string Session(TimeSpan limit)
    {
        var seconds = Seconds(limit);
        var whole = (long)Math.Max(1, Math.Ceiling(seconds));
        return string.Create(CultureInfo.InvariantCulture,
            $"SET SESSION max_statement_time = {seconds:0.000}, lock_wait_timeout = {whole}, innodb_lock_wait_timeout = {whole};");
    }

    /// <summary>
    /// A prefix that bounds the one statement it precedes (<c>SET STATEMENT … FOR SELECT …</c>), for
    /// reads: they take no locks, so the running time is all there is to bound, and nothing is left
    /// on the session.
    /// </summary>
    public static string Statement(TimeSpan limit) =>
        string.Create(CultureInfo.InvariantCulture, $"SET STATEMENT max_statement_time = {Seconds(limit):0.000} FOR ");

    private static double Seconds(TimeSpan limit) => Math.Max(limit.TotalSeconds, 0.001);
}
