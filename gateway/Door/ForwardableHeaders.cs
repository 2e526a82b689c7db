using System.Buffers;
using Platform.Contracts.Problems;
using Platform.Gateway.Problems;

namespace Platform.Gateway.Door;

/// <summary>
/// Refuses, before any replica is chosen, a request carrying a header the forwarder cannot send on:
/// a value with a character outside visible ASCII, space and tab (UTF-8 or Latin-1 text, control
/// characters), or a name outside RFC 9110's token characters. Kestrel accepts such values (it
/// decodes header bytes as UTF-8) but <see cref="SocketsHttpHandler"/> refuses to write them, and YARP
/// reports that as a failure of the replica it was sending to: a 502, counted by passive health as a
/// transport failure, so a few dozen such requests took every healthy replica out of rotation.
/// </summary>
/// <remarks>
/// Checked by hand because nothing in ASP.NET Core or YARP checks it: Kestrel's
/// <c>RequestHeaderEncodingSelector</c> decides how bytes are read, not what may be forwarded, and
/// HttpClient's own check runs only once the request is on its way to a replica. The answer names
/// the header but never echoes its value, which may be anything.
/// </remarks>
public static class ForwardableHeaders
{
    // RFC 9110 field-value without obs-text (which the forwarder cannot encode): VCHAR, SP, HTAB.
    private static readonly SearchValues<char> ValueCharacters = SearchValues.Create(
        "\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    // RFC 9110 token (a field name).
    private static readonly SearchValues<char> NameCharacters = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Must run before anything forwards or reads headers for the replicas: identity, the limiter, the proxy.</summary>
    public static IApplicationBuilder UseForwardableHeaders(this IApplicationBuilder app)
    {
        app.Use(static (context, next) => FirstUnforwardable(context.Request.Headers) is { } name
            ? RefuseAsync(context, name)
            : next(context));
        return app;
    }

    /// <summary>The name of the first header the forwarder could not send, or null when all can be sent.</summary>
    public static string? FirstUnforwardable(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(NameCharacters))
                return name;
            foreach (var value in values)
            {
                if (value is not null && value.AsSpan().ContainsAnyExcept(ValueCharacters))
                    return name;
            }
        }
        return null;
    }

    private static Task RefuseAsync(HttpContext context, string name)
    {
        // A name that is itself unprintable is not echoed either.
        var shown = name.Length > 0 && !name.AsSpan().ContainsAnyExcept(NameCharacters) && name.Length <= 64 ? name : "(unprintable)";
        return GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, ProblemTypes.InvalidHeader,
            "A header cannot be forwarded",
            $"The header {shown} holds characters that cannot be forwarded: header values may hold only visible ASCII characters, " +
            "spaces and tabs (encode anything else, e.g. percent-encoding or base64). The request was refused before reaching a replica.");
    }
}
