using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Platform.Api.OpenApi;

/// <summary>
/// The document's <c>servers</c>: where the client that asked called, not the replica that answers.
/// </summary>
/// <remarks>
/// The document is read through the gateway, which calls a replica at its own address over plain
/// HTTP; the framework would list that address, which no client can reach. The gateway always sets
/// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> from the client's own request (over its TLS
/// port, https), so the document names what the client used. A caller of the replica's port without
/// them gets the replica's address, which is where it called.
/// </remarks>
internal sealed class ClientFacingServers : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var request = context.ApplicationServices.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request;
        if (request is null)
            return Task.CompletedTask;
        var forwardedScheme = First(request.Headers["X-Forwarded-Proto"]);
        var scheme = forwardedScheme is "https" or "http" ? forwardedScheme : request.Scheme;
        var host = First(request.Headers["X-Forwarded-Host"]) is { Length: > 0 } forwardedHost && HostString.FromUriComponent(forwardedHost).HasValue
            ? forwardedHost : request.Host.Value;
        document.Servers = [new OpenApiServer { Url = $"{scheme}://{host}" }];
        return Task.CompletedTask;
    }

    // A proxy chain appends: the first value is the client's.
    private static string? First(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 ? null : values[0]?.Split(',')[0].Trim();
}
