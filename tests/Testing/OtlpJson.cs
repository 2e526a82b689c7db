using System.Globalization;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// Reading OTLP JSON, as the trace viewer's telemetry API answers it (<see cref="TraceViewer"/>): a resource's
/// <c>service.name</c>, and an attribute's value whatever its type (<c>stringValue</c>, <c>intValue</c>, which
/// OTLP JSON writes as a string, <c>boolValue</c>, <c>doubleValue</c>).
/// </summary>
internal static class OtlpJson
{
    /// <summary>
    /// Each item of <c>data.{resourcesName}[].{scopesName}[].{itemsName}[]</c> with its resource's service name and
    /// its scope's name, cloned so that it outlives <paramref name="answer"/>.
    /// </summary>
    public static IEnumerable<(string Service, string Scope, JsonElement Item)> Items(
        JsonDocument answer, string resourcesName, string scopesName, string itemsName)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (!answer.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty(resourcesName, out var resources))
        {
            yield break;
        }

        foreach (var resource in resources.EnumerateArray())
        {
            var service = resource.TryGetProperty("resource", out var described) ? Attribute(described, "service.name") ?? "" : "";
            foreach (var scope in Array(resource, scopesName))
            {
                var scopeName = scope.TryGetProperty("scope", out var named) ? Text(named, "name") ?? "" : "";
                foreach (var item in Array(scope, itemsName))
                {
                    yield return (service, scopeName, item.Clone());
                }
            }
        }
    }

    /// <summary>The value of attribute <paramref name="key"/> of <paramref name="owner"/> (a span, a log record, a resource) as text, or null.</summary>
    public static string? Attribute(JsonElement owner, string key)
    {
        foreach (var attribute in Array(owner, "attributes"))
        {
            if (Text(attribute, "key") != key || !attribute.TryGetProperty("value", out var value))
            {
                continue;
            }

            foreach (var property in value.EnumerateObject())
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => property.Value.GetRawText(),
                };
            }

            return null;
        }

        return null;
    }

    /// <summary>A string property, or null when absent or empty.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    /// <summary>A whole-number property (OTLP JSON writes 64-bit ones as strings), or null.</summary>
    public static long? Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var item in array.EnumerateArray())
        {
            yield return item;
        }
    }
}
