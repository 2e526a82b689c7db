namespace Platform.Load.Traffic;

/// <summary>
/// One request as the report sees it. Offsets are milliseconds since the run started; the latency is
/// measured from <see cref="ScheduledMs"/>, the time the request was meant to leave, so a stall in the
/// client or the platform shows up in it (no coordinated omission).
/// </summary>
/// <param name="Status">HTTP status, or 0 when no answer came (see <see cref="ProblemType"/>).</param>
/// <param name="ProblemType">problem+json <c>type</c> of the answer, or the client's reason when there was none.</param>
/// <param name="Replica">The <c>X-Replica</c> header: which API replica answered.</param>
/// <param name="RetryAfter">Whether the answer carried <c>Retry-After</c>.</param>
public sealed record RequestRecord(
    double ScheduledMs,
    double LatencyMs,
    string Endpoint,
    string Client,
    int Status,
    string? ProblemType,
    string? Replica,
    bool Failed,
    bool RetryAfter = false)
{
    public double CompletedMs => ScheduledMs + LatencyMs;
}
