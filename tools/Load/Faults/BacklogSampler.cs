using System.Text;
using Platform.Load.Audit;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;

namespace Platform.Load.Faults;

/// <summary>Samples the outbox backlog (events not yet in the Redis stream) once a second, for the Redis outage.</summary>
public sealed class BacklogSampler(ReservationAudit audit, RunClock clock)
{
    public List<BacklogSample> Samples { get; } = [];

    public Task RunAsync(TimeSpan every, CancellationToken stop) => Sampling.EveryAsync(every, async () =>
    {
        var backlog = await audit.OutboxBacklogAsync();
        lock (Samples)
            Samples.Add(new BacklogSample(clock.ElapsedMs, backlog));
    }, stop);

    public string ToCsv()
    {
        var text = new StringBuilder("offset_s,outbox_backlog\n");
        foreach (var s in Samples)
            text.Append(Csv.Line(Csv.Number(s.AtMs / 1000), Csv.Number(s.Backlog))).Append('\n');
        return text.ToString();
    }
}
