using Platform.Contracts.Http;

namespace Platform.Api.Bulkheads;

/// <summary>
/// Whether an endpoint reads or writes: endpoint metadata that puts it under a deadline, in its
/// bulkhead, and labels its shed and deadline metrics. Endpoints without it (liveness, readiness)
/// are neither limited nor given a deadline.
/// </summary>
public sealed class WorkClass
{
    public static readonly WorkClass Read = new("read", BulkheadSetup.ReadPolicy);
    public static readonly WorkClass Write = new("write", BulkheadSetup.WritePolicy);

    /// <summary>A back-office export: its own deadline (Deadlines:Export), its own share and its own pool, so it never holds what a read or a write needs.</summary>
    public static readonly WorkClass Export = new("export", BulkheadSetup.ExportPolicy);

    /// <summary>An operator's search or report: its own share and its own pool, so the back office never sheds a booking's read.</summary>
    public static readonly WorkClass BackOffice = new("back-office", BulkheadSetup.BackOfficePolicy);

    public static readonly IReadOnlyList<WorkClass> All = [Read, Write, Export, BackOffice];

    private WorkClass(string label, string policy)
    {
        Label = label;
        Policy = policy;
    }

    /// <summary>The <c>class</c> label of the metrics.</summary>
    public string Label { get; }

    /// <summary>The rate-limiting policy that is this class's bulkhead.</summary>
    public string Policy { get; }

    public override string ToString() => Label;
}

public static class WorkClassConventions
{
    /// <summary>A read: under a deadline, in the readers' bulkhead.</summary>
    public static RouteHandlerBuilder Reads(this RouteHandlerBuilder endpoint) => endpoint.Classified(WorkClass.Read);

    /// <summary>A write (create, confirm, cancel): under a deadline, in the writers' bulkhead.</summary>
    public static RouteHandlerBuilder Writes(this RouteHandlerBuilder endpoint) => endpoint.Classified(WorkClass.Write);

    /// <summary>An export: under its own deadline, in the exports' bulkhead, on the export pool.</summary>
    public static RouteHandlerBuilder Exports(this RouteHandlerBuilder endpoint) => endpoint.Classified(WorkClass.Export);

    /// <summary>A back-office read: under a deadline, in the back office's bulkhead, on its pool.</summary>
    public static RouteHandlerBuilder BackOfficeReads(this RouteHandlerBuilder endpoint) => endpoint.Classified(WorkClass.BackOffice);

    private static RouteHandlerBuilder Classified(this RouteHandlerBuilder endpoint, WorkClass workClass) =>
        endpoint.WithMetadata(workClass)
            .RequireRateLimiting(workClass.Policy)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .WithDescription($"Bounded by the {PlatformHeaders.RequestDeadline} deadline (504 deadline-exceeded when it passes) and shed at once "
                             + $"with 503 temporary-reduced-capacity when the {workClass.Label}s' share of the replica is taken.");
}
