using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Bulkheads;
using Platform.Api.Deadlines;
using Platform.Api.Identity;
using Problem = Platform.Api.Problems.Problems;

namespace Platform.Api.BackOffice;

/// <summary>The operators' back office (docs/api.md, Back office): every reservation of every client, for the admin scope only.</summary>
public static class BackOfficeEndpoints
{
    public const string Prefix = "/api/v1/admin";

    public static WebApplicationBuilder AddBackOffice(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReservationSearch>();
        builder.Services.AddSingleton<ReservationExport>();
        builder.Services.AddOptions<ExportOptions>().BindConfiguration(ExportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ExportPacing>();
        builder.Services.AddSingleton<FreePlaces>();
        ExportMetrics.PublishAll();
        return builder;
    }

    public static IEndpointRouteBuilder MapBackOffice(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Back office");
        group.MapGet("/reservations", Search).BackOfficeReads().RequireScope(Scopes.Admin).WithQueryParameters(SearchFilters.Parameters);
        group.MapGet("/reservations/export", Export).Exports().RequireScope(Scopes.Export)
            .WithQueryParameters([.. SearchFilters.Parameters.Where(p => p.Name is not (SearchFilters.CursorParameter or SearchFilters.LimitParameter)), .. ExportParameters])
            .Produces(StatusCodes.Status200OK, contentType: ExportContentType);
        group.MapGet("/availability", Availability).BackOfficeReads().RequireScope(Scopes.Admin).WithQueryParameters(FreePlaces.Parameters);
        return app;
    }

    public const string ExportContentType = "text/csv";

    /// <summary>The export's own options, beside the search's filters.</summary>
    public static IReadOnlyList<QueryParameter> ExportParameters { get; } =
    [
        new("bom", "true: start with the UTF-8 byte order mark spreadsheets want (default false)"),
        new("personalData", "false: leave out the guests' names, emails and phones (default true)"),
    ];

    public static async Task<Results<EmptyHttpResult, ValidationProblem>> Export(
        HttpContext context, Caller caller, ReservationExport export, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var query = context.Request.Query;
        var filters = SearchFilters.TryRead(query, errors, ExportParameters);
        if (query.ContainsKey(SearchFilters.CursorParameter) || query.ContainsKey(SearchFilters.LimitParameter))
            errors[query.ContainsKey(SearchFilters.CursorParameter) ? SearchFilters.CursorParameter : SearchFilters.LimitParameter] = ["an export has every row: no cursor, no limit"];
        var bom = Flag(query, "bom", false, errors);
        var personalData = Flag(query, "personalData", true, errors);
        if (filters is null || errors.Count > 0)
            return Problem.Invalid(errors);

        var response = context.Response;
        response.ContentType = ExportContentType + "; charset=utf-8; header=present";
        response.Headers.ContentDisposition = $"attachment; filename=\"reservations-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.csv\"";
        // Guests' personal data: never kept by a cache on the way.
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        try
        {
            await export.WriteAsync(filters, new ExportShape(bom, personalData), caller.Client, response.Body, deadline, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested && response.HasStarted)
        {
            // Gone or out of time mid-stream: the status line is sent, so the only way to say so is to cut
            // the response short; a client sees a truncated transfer, never a file that looks complete.
            context.Abort();
        }
        return TypedResults.Empty;
    }

    public static async Task<Results<Ok<SearchPage>, ValidationProblem>> Search(
        HttpContext context, Caller caller, ReservationSearch search, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var filters = SearchFilters.TryRead(context.Request.Query, errors);
        var limit = SearchFilters.TryReadLimit(context.Request.Query, errors);
        if (filters is null || limit is null)
            return Problem.Invalid(errors);
        (long, long)? after = null;
        if (context.Request.Query.TryGetValue(SearchFilters.CursorParameter, out var cursor))
        {
            if (!search.TryReadCursor(cursor.ToString(), filters, caller.Client, out var key))
                return Problem.Invalid(SearchFilters.CursorParameter, "is not a cursor this search gave: start again without it, with the same filters");
            after = key;
        }
        return TypedResults.Ok(await search.PageAsync(filters, limit.Value, after, caller.Client, deadline, cancellationToken));
    }

    /// <summary>The places free for a stay, for N guests, cheapest first (<see cref="FreePlaces"/>).</summary>
    public static async Task<Results<Ok<FreePlacesAnswer>, ValidationProblem>> Availability(
        HttpContext context, FreePlaces places, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var stay = FreePlaces.TryRead(context.Request.Query, errors);
        if (stay is null)
            return Problem.Invalid(errors);
        return TypedResults.Ok(await places.FindAsync(stay, deadline, cancellationToken));
    }

    // true or false, else the default; anything else names the parameter.
    private static bool Flag(IQueryCollection query, string name, bool fallback, Dictionary<string, string[]> errors)
    {
        if (!query.TryGetValue(name, out var value))
            return fallback;
        switch (value.ToString())
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                errors[name] = ["must be true or false"];
                return fallback;
        }
    }
}
