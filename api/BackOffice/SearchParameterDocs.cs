using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Platform.Api.BackOffice;

/// <summary>
/// The search's query parameters in the OpenAPI document. The endpoint reads the query string itself
/// (<see cref="SearchFilters.TryRead"/>: strictly, refusing unknown and repeated parameters), so the
/// framework cannot infer them from the handler's signature; they are listed here instead.
/// </summary>
public static class SearchParameterDocs
{
    private static readonly (string Name, string Description)[] Search =
    [
        ("status", "pre_reserved, confirmed, cancelled or expired (a hold past its expiry counts as expired)"),
        ("accommodationId", "one accommodation"),
        ("owner", "the client that created it (its client id; 'anonymous' for guests)"),
        ("guestEmail", "the guest's email, exact (letter case aside)"),
        ("guestPhone", "the guest's phone in E.164 form (encode '+' as %2B)"),
        ("stayFrom", "with stayTo: stays overlapping [stayFrom, stayTo), yyyy-MM-dd, at most 366 days"),
        ("stayTo", "the end of the stay window (exclusive), yyyy-MM-dd"),
        ("createdFrom", "created at or after: yyyy-MM-dd or a time with its offset"),
        ("createdTo", "created before: yyyy-MM-dd or a time with its offset"),
        ("sort", "newest (default: newest first) or checkIn (earliest check-in first)"),
        ("cursor", "the nextCursor of the previous page, with the same filters"),
        ("limit", "reservations per page, 1 to 200 (default 50)"),
    ];

    private static readonly (string Name, string Description)[] Export =
    [
        ("bom", "true: start with the UTF-8 byte order mark spreadsheets want (default false)"),
        ("personalData", "false: leave out the guests' names, emails and phones (default true)"),
    ];

    private static readonly (string Name, string Description)[] Availability =
    [
        ("checkIn", "the stay's first night, yyyy-MM-dd (required)"),
        ("checkOut", "the day the stay ends, yyyy-MM-dd, 1 to 30 nights after checkIn (required)"),
        ("guests", "how many the place must sleep, 1 to 50 (default 1)"),
        ("limit", "places to list, 1 to 200 (default 20)"),
    ];

    /// <summary>The availability's parameters (<see cref="FreePlaces.TryRead"/>).</summary>
    public static RouteHandlerBuilder WithFreePlacesParameters(this RouteHandlerBuilder endpoint) => endpoint.WithQueryParameters(Availability);

    /// <summary>The search's parameters; with <paramref name="export"/>, its filters (no cursor, no limit) and the export's own options.</summary>
    public static RouteHandlerBuilder WithSearchParameters(this RouteHandlerBuilder endpoint, bool export = false) =>
        endpoint.WithQueryParameters(export ? [.. Search.Where(p => p.Name is not (SearchFilters.CursorParameter or SearchFilters.LimitParameter)), .. Export] : Search);

    /// <summary>Query parameters the endpoint reads itself, each with its description, listed in the OpenAPI document.</summary>
    public static RouteHandlerBuilder WithQueryParameters(this RouteHandlerBuilder endpoint, IReadOnlyList<(string Name, string Description)> parameters) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, description) in parameters)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Query, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
            return Task.CompletedTask;
        });
}
