using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace Platform.Testing;

/// <summary>Assertions on an HTTP answer's status and JSON body, shared by the API's and the gateway's tests.</summary>
public static class HttpAnswers
{
    /// <summary>Asserts the status (showing the body when it differs) and returns the body as JSON.</summary>
    public static async Task<JsonObject> ExpectAsync(HttpResponseMessage response, HttpStatusCode status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts a problem+json answer (RFC 9457) of the given status and type, and returns it.</summary>
    public static async Task<JsonObject> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type, CancellationToken cancellationToken)
    {
        var problem = await ExpectAsync(response, status, cancellationToken);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(type, (string?)problem["type"]);
        Assert.Equal((int)status, (int?)problem["status"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
        return problem;
    }
}
