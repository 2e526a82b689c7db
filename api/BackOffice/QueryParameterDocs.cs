using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Platform.Api.BackOffice;

/// <summary>
/// Query parameters an endpoint reads itself, strictly (<see cref="StrictQuery"/>: unknown and repeated
/// ones refused), listed in the OpenAPI document, since the framework cannot infer them from the
/// handler's signature. Each reader holds its own list of names and descriptions (the search's
/// <see cref="SearchFilters.Parameters"/>, the free places', the reports'); this only shows them.
/// </summary>
public static class QueryParameterDocs
{
    /// <summary>Query parameters the endpoint reads itself, each with its description, listed in the OpenAPI document.</summary>
    public static RouteHandlerBuilder WithQueryParameters(this RouteHandlerBuilder endpoint, IEnumerable<QueryParameter> parameters) =>
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
