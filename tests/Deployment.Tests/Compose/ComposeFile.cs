using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Platform.Deployment.Tests.Compose;

/// <summary>
/// docker-compose.scale.yml read as plain maps, lists and strings (YamlDotNet resolves anchors), with
/// <c>${VAR:-default}</c> / <c>${VAR:?message}</c> interpolated the way Compose does it.
/// </summary>
internal sealed partial class ComposeFile
{
    /// <summary>What the required variables are set to when a test needs an interpolated value.</summary>
    public static readonly IReadOnlyDictionary<string, string> RequiredVariables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PLATFORM_DB_PASSWORD"] = "compose-test-db-password",
        ["PLATFORM_EXPORTER_DB_PASSWORD"] = "compose-test-exporter-password",
        ["PLATFORM_GRAFANA_ADMIN_PASSWORD"] = "compose-test-grafana-password",
        // docker-compose.galera.yml's only.
        ["PLATFORM_SST_DB_PASSWORD"] = "compose-test-sst-password",
        ["PLATFORM_TRACE_VIEWER_BROWSER_TOKEN"] = "compose-test-browser-token",
        ["PLATFORM_TRACE_VIEWER_OTLP_KEY"] = "compose-test-otlp-key",
        ["PLATFORM_TRACE_VIEWER_API_KEY"] = "compose-test-api-key",
    };

    private ComposeFile(string path, string text, IReadOnlyDictionary<string, object?> root)
    {
        Path = path;
        RawText = text;
        Root = root;
    }

    public static string DefaultPath => Platform.Topology.RepositoryRoot.Combine("docker-compose.scale.yml");

    public string Path { get; }

    /// <summary>The file as written, comments included.</summary>
    public string RawText { get; }

    public IReadOnlyDictionary<string, object?> Root { get; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Services =>
        (Map(Root.GetValueOrDefault("services")) ?? throw new InvalidDataException($"{Path} has no services"))
            .ToDictionary(pair => pair.Key, pair => Map(pair.Value) ?? Empty, StringComparer.Ordinal);

    public static ComposeFile Load(string? path = null)
    {
        path ??= DefaultPath;
        var text = File.ReadAllText(path);
        var document = new DeserializerBuilder().Build().Deserialize<object?>(text);
        return new ComposeFile(path, text, Map(document) ?? throw new InvalidDataException($"{path} is not a YAML mapping"));
    }

    public IReadOnlyDictionary<string, object?> Service(string name) =>
        Services.TryGetValue(name, out var service) ? service : throw new InvalidDataException($"{Path} has no service '{name}'");

    /// <summary>A top-level section (networks, volumes, configs) as name → definition.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Section(string name) =>
        (Map(Root.GetValueOrDefault(name)) ?? Empty)
            .ToDictionary(pair => pair.Key, pair => Map(pair.Value) ?? Empty, StringComparer.Ordinal);

    /// <summary>The service's environment, either form (map or KEY=VALUE list), values interpolated.</summary>
    public static IReadOnlyDictionary<string, string> Environment(IReadOnlyDictionary<string, object?> service)
    {
        var node = service.GetValueOrDefault("environment");
        var raw = Map(node) is { } map
            ? map.Select(pair => (pair.Key, Value: Scalar(pair.Value) ?? ""))
            : Strings(node).Select(entry => entry.Split('=', 2) is [var key, var value] ? (key, value) : (entry, ""));
        return raw.ToDictionary(pair => pair.Item1, pair => Interpolate(pair.Item2, RequiredVariables), StringComparer.Ordinal);
    }

    /// <summary>The networks a service joins (list or map form); compose's "default" when none is named.</summary>
    public static IReadOnlySet<string> Networks(IReadOnlyDictionary<string, object?> service)
    {
        var node = service.GetValueOrDefault("networks");
        var names = Map(node) is { } map ? map.Keys : Strings(node);
        var set = names.ToHashSet(StringComparer.Ordinal);
        return set.Count == 0 ? new HashSet<string>(["default"], StringComparer.Ordinal) : set;
    }

    /// <summary>Published ports as (host port, container port), short or long syntax, interpolated.</summary>
    public static IReadOnlyList<(string Published, string Target)> Ports(IReadOnlyDictionary<string, object?> service)
    {
        var ports = new List<(string, string)>();
        foreach (var entry in service.GetValueOrDefault("ports") as IEnumerable<object?> ?? [])
        {
            if (Map(entry) is { } longSyntax)
            {
                ports.Add((Interpolate(Scalar(longSyntax.GetValueOrDefault("published")) ?? "", RequiredVariables),
                    Interpolate(Scalar(longSyntax.GetValueOrDefault("target")) ?? "", RequiredVariables)));
                continue;
            }

            // [host_ip:]published:target[/protocol], or target alone (a random host port).
            var parts = Interpolate(Scalar(entry) ?? "", RequiredVariables).Split('/')[0].Split(':');
            ports.Add(parts.Length == 1 ? ("", parts[0]) : (parts[^2], parts[^1]));
        }

        return ports;
    }

    /// <summary>
    /// Compose's interpolation: <c>${NAME}</c>, <c>${NAME:-default}</c>, <c>${NAME-default}</c>,
    /// <c>${NAME:?message}</c> and <c>${NAME?message}</c>; a missing required variable throws.
    /// </summary>
    public static string Interpolate(string value, IReadOnlyDictionary<string, string> variables) =>
        VariablePattern().Replace(value, match =>
        {
            var name = match.Groups["name"].Value;
            var operation = match.Groups["op"].Value;
            var argument = match.Groups["arg"].Value;
            var isSet = variables.TryGetValue(name, out var found);
            var isSetAndNotEmpty = isSet && !string.IsNullOrEmpty(found);
            return operation switch
            {
                ":-" => isSetAndNotEmpty ? found! : argument,
                "-" => isSet ? found! : argument,
                ":?" => isSetAndNotEmpty ? found! : throw new InvalidDataException($"{name}: {argument}"),
                "?" => isSet ? found! : throw new InvalidDataException($"{name}: {argument}"),
                _ => found ?? "",
            };
        }).Replace("$$", "$", StringComparison.Ordinal);

    /// <summary>The names of the variables a value requires (<c>${NAME:?...}</c> or <c>${NAME?...}</c>).</summary>
    public static IReadOnlySet<string> RequiredNames(string value) =>
        VariablePattern().Matches(value)
            .Where(match => match.Groups["op"].Value is ":?" or "?")
            .Select(match => match.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, object?>? Map(object? node) => node switch
    {
        IReadOnlyDictionary<string, object?> converted => converted,
        IDictionary<object, object?> map => map.ToDictionary(pair => Convert.ToString(pair.Key, CultureInfo.InvariantCulture) ?? "", pair => pair.Value, StringComparer.Ordinal),
        _ => null,
    };

    public static IEnumerable<IReadOnlyDictionary<string, object?>> Maps(object? node) =>
        (node as IEnumerable<object?> ?? []).Select(Map).OfType<IReadOnlyDictionary<string, object?>>();

    /// <summary>A list of scalars as strings; a lone scalar as a one-item list; anything else as empty.</summary>
    public static IReadOnlyList<string> Strings(object? node) => node switch
    {
        string text => [text],
        IEnumerable<object?> list when node is not IDictionary<object, object?> => list.Select(Scalar).OfType<string>().ToList(),
        _ => [],
    };

    public static string? Scalar(object? node) => node as string;

    /// <summary>The scalar at a path of keys, e.g. <c>Text(service, "deploy", "resources", "limits", "cpus")</c>.</summary>
    public static string? Text(IReadOnlyDictionary<string, object?>? map, params string[] path)
    {
        object? node = map;
        foreach (var key in path)
        {
            node = Map(node)?.GetValueOrDefault(key);
        }

        return Scalar(node);
    }

    /// <summary>The map at a path of keys, or null.</summary>
    public static IReadOnlyDictionary<string, object?>? Child(IReadOnlyDictionary<string, object?>? map, params string[] path)
    {
        object? node = map;
        foreach (var key in path)
        {
            node = Map(node)?.GetValueOrDefault(key);
        }

        return Map(node);
    }

    private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>(StringComparer.Ordinal);

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:-|-|:\?|\?)(?<arg>[^}]*))?\}")]
    private static partial Regex VariablePattern();
}
