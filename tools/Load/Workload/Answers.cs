using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Contracts.Http;

namespace Platform.Load.Workload;

/// <summary>What the report needs from an answer: problem type, replica, and a created reservation's code.</summary>
public static class Answers
{
    public static string? Replica(HttpResponseMessage response) =>
        response.Headers.TryGetValues(PlatformHeaders.Replica, out var values) ? values.FirstOrDefault() : null;

    public static bool HasRetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter is not null;

    /// <summary>The <c>type</c> of a problem+json body, else null.</summary>
    public static string? ProblemType(MediaTypeHeaderValue? contentType, string body)
    {
        if (contentType?.MediaType != "application/problem+json" || body.Length == 0)
            return null;
        return StringProperty(body, "type");
    }

    public static string? StringProperty(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The short name of a problem type: the last path segment of its URI.</summary>
    public static string? ShortType(string? type) =>
        type is null ? null : type.TrimEnd('/').Split('/')[^1];
}
