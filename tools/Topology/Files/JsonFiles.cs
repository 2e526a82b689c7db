using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Topology.Files;

/// <summary>The one way generated JSON files are written: System.Text.Json, indented, UTF-8 kept readable.</summary>
internal static class JsonFiles
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";
}
