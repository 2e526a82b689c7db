using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Testing;
using Platform.Topology;
using YamlDotNet.RepresentationModel;

namespace Platform.Observability.Tests.Rules;

/// <summary>One alerting rule of a Prometheus rules file, as written (templates not expanded).</summary>
public sealed record AlertRule(
    string Group,
    string Name,
    string Expression,
    TimeSpan For,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations);

/// <summary>Reads the alerting rules of a Prometheus rules file (recording rules are skipped).</summary>
public static partial class AlertRulesFile
{
    /// <summary>The repository's rules file, prometheus/alerts.yml.</summary>
    public static string DefaultPath => RepositoryRoot.Combine("prometheus", "alerts.yml");

    /// <summary>The alerting rules of <paramref name="path"/>, in file order.</summary>
    public static IReadOnlyList<AlertRule> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{path} holds no YAML mapping.");

        var rules = new List<AlertRule>();
        foreach (var group in Sequence(root, "groups", path).OfType<YamlMappingNode>())
        {
            var groupName = Scalar(group, "name") ?? throw new InvalidDataException($"{path}: a group has no name.");
            foreach (var rule in Sequence(group, "rules", path).OfType<YamlMappingNode>())
            {
                if (Scalar(rule, "alert") is not { } name)
                    continue; // A recording rule.

                rules.Add(new AlertRule(
                    groupName,
                    name,
                    Scalar(rule, "expr") ?? throw new InvalidDataException($"{path}: alert {name} has no expr."),
                    Scalar(rule, "for") is { } duration ? ParseDuration(duration) : TimeSpan.Zero,
                    Map(rule, "labels"),
                    Map(rule, "annotations")));
            }
        }
        return rules;
    }

    /// <summary>The alerting rules of prometheus/alerts.yml.</summary>
    public static IReadOnlyList<AlertRule> All() => Load(DefaultPath);

    /// <summary>
    /// The rules file text with every rule's <c>for:</c> replaced by <paramref name="for"/> (written as
    /// a Prometheus duration, e.g. <c>2s</c>); everything else, comments included, is kept as it is.
    /// </summary>
    public static string WithFor(string yamlText, TimeSpan @for)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        var duration = FormatDuration(@for);
        return ForLine().Replace(yamlText, match => match.Groups["indent"].Value + "for: " + duration);
    }

    /// <summary>A Prometheus duration (<c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>250ms</c>) as a <see cref="TimeSpan"/>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || match.Length == 0)
            throw new FormatException($"'{text}' is not a Prometheus duration.");

        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var split = part.Value.IndexOfAny(['m', 's', 'h', 'd', 'w', 'y']);
            var amount = long.Parse(part.Value[..split], NumberStyles.None, CultureInfo.InvariantCulture);
            total += part.Value[split..] switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                "d" => TimeSpan.FromDays(amount),
                "w" => TimeSpan.FromDays(7 * amount),
                "y" => TimeSpan.FromDays(365 * amount),
                var unit => throw new FormatException($"'{text}' has an unknown unit '{unit}'."),
            };
        }
        return total;
    }

    /// <summary>The shortest exact Prometheus duration for <paramref name="duration"/>: <c>2s</c>, <c>5m</c>, <c>1500ms</c>.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A rule's duration cannot be negative.");
        if (duration.Ticks % TimeSpan.TicksPerMillisecond != 0)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "Prometheus durations are whole milliseconds.");

        var milliseconds = (long)duration.TotalMilliseconds;
        return milliseconds switch
        {
            0 => "0s",
            _ when milliseconds % 3_600_000 == 0 => $"{milliseconds / 3_600_000}h",
            _ when milliseconds % 60_000 == 0 => $"{milliseconds / 60_000}m",
            _ when milliseconds % 1_000 == 0 => $"{milliseconds / 1_000}s",
            _ => $"{milliseconds}ms",
        };
    }

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key, string path) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? value as YamlSequenceNode ?? throw new InvalidDataException($"{path}: '{key}' is not a list.")
            : [];

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar
            ? scalar.Value
            : null;

    private static Dictionary<string, string> Map(YamlMappingNode node, string key)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlMappingNode mapping)
        {
            foreach (var (name, item) in mapping.Children)
            {
                if (name is YamlScalarNode { Value: { } nameText } && item is YamlScalarNode itemScalar)
                    map[nameText] = itemScalar.Value ?? "";
            }
        }
        return map;
    }

    // A rule's `for:` key at the start of a line (never a comment, never text inside an annotation).
    [GeneratedRegex(@"^(?<indent>[ \t]*)for:[ \t]*[^\s#]+", RegexOptions.Multiline)]
    private static partial Regex ForLine();

    [GeneratedRegex(@"^(?<part>[0-9]+(?:ms|s|m|h|d|w|y))+$")]
    private static partial Regex DurationPattern();
}
