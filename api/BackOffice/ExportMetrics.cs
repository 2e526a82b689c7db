using Prometheus;

namespace Platform.Api.BackOffice;

/// <summary>Exports and the rows they wrote, by how each ended; no label carries a client, a filter or a guest.</summary>
public static class ExportMetrics
{
    public const string Completed = "completed";
    public const string ClientGone = "client_gone";
    public const string DeadlinePassed = "deadline_passed";
    public const string Failed = "failed";

    private static readonly string[] Outcomes = [Completed, ClientGone, DeadlinePassed, Failed];

    private static readonly Counter Exports = Metrics.CreateCounter(
        "api_exports_total", "Back-office CSV exports, by how they ended.", "outcome");

    private static readonly Counter Rows = Metrics.CreateCounter(
        "api_export_rows_total", "Rows written by back-office CSV exports, by how the export ended.", "outcome");

    public static void PublishAll()
    {
        foreach (var outcome in Outcomes)
        {
            Exports.WithLabels(outcome).Publish();
            Rows.WithLabels(outcome).Publish();
        }
    }

    public static void Count(string outcome, long rows)
    {
        Exports.WithLabels(outcome).Inc();
        Rows.WithLabels(outcome).Inc(rows);
    }
}
