using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Platform.Topology.Files;

/// <summary>Loads and saves the repository's YAML configuration, to change a few values and keep the rest as written.</summary>
internal static class YamlFile
{
    public static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static string Save(YamlMappingNode root)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static void Set(YamlMappingNode node, string key, string value) => node.Children[new YamlScalarNode(key)] = new YamlScalarNode(value);

    /// <summary>A duration as Prometheus and Alertmanager write it: whole seconds (<c>5s</c>) or milliseconds.</summary>
    public static string Duration(TimeSpan duration) =>
        duration.Milliseconds == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMilliseconds}ms");
}
