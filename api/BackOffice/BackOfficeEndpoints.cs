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
        return builder;
    }

    public static IEndpointRouteBuilder MapBackOffice(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Back office");
        group.MapGet("/reservations", Search).Reads().RequireScope(Scopes.Admin).WithSearchParameters();
        return app;
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
}
