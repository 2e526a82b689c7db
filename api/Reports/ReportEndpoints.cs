using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Accommodations;
using Platform.Api.BackOffice;
using Platform.Api.Bulkheads;
using Platform.Api.Deadlines;
using Platform.Api.Identity;
using Platform.Contracts.Problems;
using Problem = Platform.Api.Problems.Problems;

namespace Platform.Api.Reports;

/// <summary>The back office's reports (docs/api.md, Back office): occupancy and revenue, and totals by status and channel, for the admin scope.</summary>
public static class ReportEndpoints
{
    /// <summary>
    /// The instant the answer reflects the database as of (RFC 3339, UTC): when it was computed, or,
    /// if the totals had events still to fold then, the oldest of those. <c>Age</c> says the same in seconds.
    /// </summary>
    public const string ComputedAtHeader = "X-Report-Computed-At";

    public static WebApplicationBuilder AddReports(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReportOptions>().BindConfiguration(ReportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ReportCache>();
        builder.Services.AddSingleton<OccupancyReport>();
        builder.Services.AddSingleton<TotalsReport>();
        builder.Services.AddSingleton<ReportState>();
        builder.Services.AddSingleton<ReportFolder>();
        return builder;
    }

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{BackOfficeEndpoints.Prefix}/reports").WithTags("Back office");
        group.MapGet("/occupancy", Occupancy).BackOfficeReads().RequireScope(Scopes.Admin).WithQueryParameters(OccupancyReport.Parameters);
        group.MapGet("/totals", Totals).BackOfficeReads().RequireScope(Scopes.Admin).WithQueryParameters(TotalsReport.Parameters);
        return app;
    }

    public static async Task<Results<Ok<OccupancyAnswer>, ValidationProblem, ProblemHttpResult>> Occupancy(
        HttpContext context, OccupancyReport report, ReportState state, ReportCache cache, AccommodationCatalog catalog, TimeProvider clock,
        RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var query = OccupancyReport.TryRead(context.Request.Query, errors);
        if (query is null)
            return Problem.Invalid(errors);
        if (query.AccommodationId is { } id && await catalog.FindAsync(id, cancellationToken) is null)
            return Problem.NotFoundProblem($"There is no accommodation {id}.");
        return await AnswerAsync(context, state, cache, clock, deadline, $"occupancy {query}",
            () => report.ComputeAsync(query, catalog.Count, deadline, CancellationToken.None), cancellationToken);
    }

    public static async Task<Results<Ok<TotalsAnswer>, ValidationProblem, ProblemHttpResult>> Totals(
        HttpContext context, TotalsReport report, ReportState state, ReportCache cache, TimeProvider clock, RequestDeadline deadline,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var query = TotalsReport.TryRead(context.Request.Query, errors);
        if (query is null)
            return Problem.Invalid(errors);
        return await AnswerAsync(context, state, cache, clock, deadline, $"totals {query}",
            () => report.ComputeAsync(query, deadline, CancellationToken.None), cancellationToken);
    }

    /// <summary>
    /// A report's answer: the totals' state first (while they are first built, after migration 007 or a
    /// seed, a 503), then the answer shared under the totals' version, stamped with its freshness.
    /// </summary>
    private static async Task<Results<Ok<T>, ValidationProblem, ProblemHttpResult>> AnswerAsync<T>(HttpContext context, ReportState state,
        ReportCache cache, TimeProvider clock, RequestDeadline deadline, string key, Func<Task<T>> compute, CancellationToken cancellationToken)
    {
        var totals = await state.ReadAsync(deadline, cancellationToken);
        if (!totals.Built)
        {
            context.Response.Headers.RetryAfter = Problem.RetryAfter;
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.ReportsBuilding,
                title: "Reports are being built", detail: "The report totals are being built from the reservations; try again in a few seconds.");
        }
        var computed = await cache.GetAsync($"{key} v{totals.Version}", compute, cancellationToken);
        return TypedResults.Ok(Stamped(context, computed, totals, clock));
    }

    // The answer's freshness in the headers: when it was computed, and its age in whole seconds (RFC 9111).
    private static T Stamped<T>(HttpContext context, ComputedReport<T> computed, TotalsState totals, TimeProvider clock)
    {
        var headers = context.Response.Headers;
        var asOf = totals.AsOf(computed.ComputedAt);
        headers[ComputedAtHeader] = asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var age = clock.GetUtcNow() - asOf;
        headers.Age = ((long)Math.Max(0, age.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        headers.CacheControl = "private, no-cache";
        return computed.Answer;
    }
}
