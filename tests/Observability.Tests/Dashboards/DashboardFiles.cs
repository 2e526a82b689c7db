using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Observability.Tests.Dashboards;

/// <summary>The provisioned Grafana dashboards (grafana/dashboards/*.json) and their queries.</summary>
public static partial class DashboardFiles
{
    /// <summary>Every dashboard file, sorted by path.</summary>
    public static IReadOnlyList<string> Paths() =>
        Directory.GetFiles(Platform.Topology.RepositoryRoot.Combine("grafana", "dashboards"), "*.json")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Every query target of every panel, panels inside (collapsed) rows included. Template variables'
    /// queries are not panel queries: see <see cref="Variables"/>.
    /// </summary>
    public static IReadOnlyList<PanelQuery> Queries()
    {
        var queries = new List<PanelQuery>();
        foreach (var dashboard in Load())
        {
            var title = Title(dashboard);
            foreach (var panel in Panels(dashboard))
            {
                if (panel["targets"] is not JsonArray targets)
                {
                    continue;
                }

                foreach (var target in targets.OfType<JsonObject>())
                {
                    if (target["expr"]?.GetValue<string>() is { } expression)
                    {
                        queries.Add(new PanelQuery(
                            title,
                            panel["title"]?.GetValue<string>() ?? "",
                            target["refId"]?.GetValue<string>() ?? "",
                            expression,
                            target["exemplar"]?.GetValue<bool>() ?? false));
                    }
                }
            }
        }

        return queries;
    }

    /// <summary>Every template variable: its dashboard, its name and its query (a string or an object's <c>query</c>).</summary>
    public static IReadOnlyList<(string Dashboard, string Name, string Query)> Variables()
    {
        var variables = new List<(string Dashboard, string Name, string Query)>();
        foreach (var dashboard in Load())
        {
            if (dashboard["templating"]?["list"] is not JsonArray list)
            {
                continue;
            }

            foreach (var variable in list.OfType<JsonObject>())
            {
                var query = variable["query"] switch
                {
                    JsonValue value when value.TryGetValue<string>(out var text) => text,
                    JsonObject editor => editor["query"]?.GetValue<string>() ?? "",
                    _ => "",
                };
                variables.Add((Title(dashboard), variable["name"]?.GetValue<string>() ?? "", query));
            }
        }

        return variables;
    }

    /// <summary>
    /// Replaces the Grafana variables the dashboards use with values Prometheus accepts: <c>$job</c> and
    /// <c>$instance</c> match anything, the interval variables become fixed durations.
    /// </summary>
    public static string Expand(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return VariablePattern().Replace(expression, match => match.Groups["name"].Value switch
        {
            "__rate_interval" => "1m",
            "__interval" => "15s",
            "__range" => "5m",
            "instance" => ".+",
            "job" => ".+",
            _ => match.Value,
        });
    }

    /// <summary>The dashboards, parsed.</summary>
    internal static IReadOnlyList<JsonObject> Load() =>
        Paths().Select(path => JsonNode.Parse(File.ReadAllText(path))?.AsObject()
            ?? throw new InvalidDataException($"{path} is not a JSON object")).ToList();

    internal static string Title(JsonObject dashboard) => dashboard["title"]?.GetValue<string>() ?? "";

    /// <summary>Every panel, rows and the panels nested in collapsed rows included.</summary>
    internal static IEnumerable<JsonObject> Panels(JsonObject dashboard)
    {
        foreach (var panel in (dashboard["panels"] as JsonArray ?? []).OfType<JsonObject>())
        {
            yield return panel;
            foreach (var nested in (panel["panels"] as JsonArray ?? []).OfType<JsonObject>())
            {
                yield return nested;
            }
        }
    }

    // Longest names first, and a word boundary after the bare form, so $__rate_interval is never read
    // as $__range or $__interval, nor $instance as something shorter.
    [GeneratedRegex(@"\$(?:\{(?<name>__rate_interval|__interval|__range|instance|job)\}|(?<name>__rate_interval|__interval|__range|instance|job)\b)")]
    private static partial Regex VariablePattern();
}
