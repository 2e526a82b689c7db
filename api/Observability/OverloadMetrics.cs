using Platform.Api.Bulkheads;
using Prometheus;

namespace Platform.Api.Observability;

/// <summary>
/// Requests a replica refused or gave up on to protect its deadline. Every label combination is
/// published at 0 from the start, so the first shed request is an increase Prometheus can see.
/// </summary>
public static class OverloadMetrics
{
    public const string Capacity = "capacity";
    public const string Deadline = "deadline";

    private static readonly Counter Shed = Metrics.CreateCounter(
        "api_requests_shed_total",
        "Requests refused without any work: 503 temporary-reduced-capacity (reason capacity) or a deadline already passed on arrival (reason deadline).",
        "class", "reason");

    private static readonly Counter DeadlineExceeded = Metrics.CreateCounter(
        "api_deadline_exceeded_total",
        "Requests whose deadline passed while the replica worked on them (504 deadline-exceeded).",
        "class");

    public static void PublishAll()
    {
        foreach (var workClass in WorkClass.All)
        {
            Shed.WithLabels(workClass.Label, Capacity).Publish();
            Shed.WithLabels(workClass.Label, Deadline).Publish();
            DeadlineExceeded.WithLabels(workClass.Label).Publish();
        }
    }

    public static void CountShed(WorkClass workClass, string reason) => Shed.WithLabels(workClass.Label, reason).Inc();

    public static void CountDeadlineExceeded(WorkClass workClass) => DeadlineExceeded.WithLabels(workClass.Label).Inc();
}
