using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Observability.Tests.Dashboards;

/// <summary>What can be checked of the dashboards without a Grafana: structure, references, the alerts' panels.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public void Every_dashboard_file_is_a_json_object_with_a_title_and_a_uid()
    {
        var paths = DashboardFiles.Paths();

        Assert.NotEmpty(paths);
        Assert.All(paths, path =>
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            Assert.False(string.IsNullOrWhiteSpace(document.RootElement.GetProperty("title").GetString()), $"{path}: no title");
            Assert.False(string.IsNullOrWhiteSpace(document.RootElement.GetProperty("uid").GetString()), $"{path}: no uid");
            Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("id").ValueKind);
        });
    }

    [Fact]
    public void Titles_and_uids_are_unique()
    {
        var dashboards = DashboardFiles.Load();

        AssertUnique(dashboards.Select(DashboardFiles.Title), "dashboard title");
        AssertUnique(dashboards.Select(dashboard => Text(dashboard["uid"])), "dashboard uid");
    }

    [Fact]
    public void Every_panel_has_a_unique_id_a_grid_position_and_a_unique_title()
    {
        foreach (var dashboard in DashboardFiles.Load())
        {
            var title = DashboardFiles.Title(dashboard);
            var panels = DashboardFiles.Panels(dashboard).ToList();

            Assert.All(panels, panel => Assert.True(
                panel["id"] is JsonValue id && id.TryGetValue<int>(out _),
                $"{title} / {Text(panel["title"])}: no integer id"));
            AssertUnique(panels.Select(panel => panel["id"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{title}: panel id");
            AssertUnique(panels.Where(panel => !IsRow(panel)).Select(panel => Text(panel["title"])), $"{title}: panel title");

            Assert.All(panels, panel =>
            {
                var grid = panel["gridPos"] as JsonObject;
                Assert.True(grid is not null, $"{title} / {Text(panel["title"])}: no gridPos");
                var x = grid["x"]!.GetValue<int>();
                var w = grid["w"]!.GetValue<int>();
                Assert.True(x >= 0 && w > 0 && x + w <= 24 && grid["h"]!.GetValue<int>() > 0 && grid["y"]!.GetValue<int>() >= 0,
                    $"{title} / {Text(panel["title"])}: gridPos outside the 24-column grid");
            });
        }
    }

    [Fact]
    public void Every_panel_query_and_variable_uses_a_provisioned_datasource()
    {
        var uids = ProvisioningFiles.DatasourceUids();

        foreach (var dashboard in DashboardFiles.Load())
        {
            var title = DashboardFiles.Title(dashboard);
            foreach (var panel in DashboardFiles.Panels(dashboard).Where(panel => !IsRow(panel)))
            {
                var name = $"{title} / {Text(panel["title"])}";
                Assert.True(uids.Contains(Text(panel["datasource"]?["uid"])), $"{name}: its datasource uid is not a provisioned one");
                foreach (var target in Targets(panel))
                {
                    Assert.True(uids.Contains(Text(target["datasource"]?["uid"])), $"{name}, query {Text(target["refId"])}: its datasource uid is not a provisioned one");
                }
            }

            foreach (var variable in Variables(dashboard))
            {
                Assert.True(uids.Contains(Text(variable["datasource"]?["uid"])), $"{title}, variable {Text(variable["name"])}: its datasource uid is not a provisioned one");
            }
        }
    }

    [Fact]
    public void Every_panel_says_what_to_look_for_and_every_query_panel_has_a_unit()
    {
        foreach (var dashboard in DashboardFiles.Load())
        {
            foreach (var panel in DashboardFiles.Panels(dashboard).Where(panel => !IsRow(panel)))
            {
                var name = $"{DashboardFiles.Title(dashboard)} / {Text(panel["title"])}";
                Assert.False(string.IsNullOrWhiteSpace(Text(panel["description"])), $"{name}: no description");
                if (Targets(panel).Any())
                {
                    Assert.False(string.IsNullOrWhiteSpace(Text(panel["fieldConfig"]?["defaults"]?["unit"])), $"{name}: no unit in fieldConfig.defaults");
                }
            }
        }
    }

    [Fact]
    public void Every_dashboard_has_the_job_and_instance_variables()
    {
        foreach (var dashboard in DashboardFiles.Load())
        {
            var title = DashboardFiles.Title(dashboard);
            var variables = Variables(dashboard).ToDictionary(variable => Text(variable["name"]), StringComparer.Ordinal);

            Assert.True(variables.ContainsKey("job"), $"{title}: no job variable");
            Assert.True(variables.TryGetValue("instance", out var instance), $"{title}: no instance variable");
            Assert.True(instance["includeAll"]?.GetValue<bool>() == true && instance["multi"]?.GetValue<bool>() == true,
                $"{title}: instance must allow All and several values");
            Assert.Equal(".*", Text(instance["allValue"]));
        }

        var queries = DashboardFiles.Variables();
        Assert.All(queries.Where(variable => variable.Name == "instance"), variable => Assert.Contains("$job", variable.Query, StringComparison.Ordinal));
        Assert.All(queries, variable => Assert.StartsWith("label_values(", variable.Query, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_expression_filters_by_the_job_variable()
    {
        var queries = DashboardFiles.Queries();

        Assert.NotEmpty(queries);
        // ALERTS is Prometheus's own series about its rules: many alerts carry no job label at all.
        Assert.All(queries.Where(query => !AlertsSeries().IsMatch(query.Expression)), query => Assert.True(
            query.Expression.Contains("job=~\"$job\"", StringComparison.Ordinal),
            $"{query.Dashboard} / {query.Panel} ({query.RefId}) does not filter with job=~\"$job\": {query.Expression}"));
    }

    [Fact]
    public void Every_query_in_a_panel_has_its_own_ref_id()
    {
        foreach (var group in DashboardFiles.Queries().GroupBy(query => (query.Dashboard, query.Panel)))
        {
            AssertUnique(group.Select(query => query.RefId), $"{group.Key.Dashboard} / {group.Key.Panel}: refId");
        }
    }

    [Fact]
    public void Every_panel_an_alert_names_exists_and_draws_a_threshold()
    {
        var dashboards = DashboardFiles.Load().ToDictionary(DashboardFiles.Title, StringComparer.Ordinal);

        Assert.All(ProvisioningFiles.AlertPanels(), reference =>
        {
            var name = $"{reference.Alert} → \"{reference.Dashboard} / {reference.Panel}\"";
            Assert.True(dashboards.TryGetValue(reference.Dashboard, out var dashboard), $"{name}: no dashboard titled \"{reference.Dashboard}\"");
            var panel = DashboardFiles.Panels(dashboard).FirstOrDefault(panel => Text(panel["title"]) == reference.Panel);
            Assert.True(panel is not null, $"{name}: no panel titled \"{reference.Panel}\"");
            Assert.True(DrawsThreshold(panel), $"{name}: the panel draws no red threshold");
        });
    }

    [Fact]
    public void Every_dashboard_lists_the_firing_alerts()
    {
        foreach (var dashboard in DashboardFiles.Load())
        {
            var title = DashboardFiles.Title(dashboard);
            var panels = DashboardFiles.Panels(dashboard).ToList();

            Assert.True(panels.Any(panel => Text(panel["type"]) == "alertlist"), $"{title}: no alertlist panel");
            var fallback = panels.FirstOrDefault(panel => Text(panel["title"]) == "Alerts firing (Prometheus)");
            Assert.True(fallback is not null, $"{title}: no \"Alerts firing (Prometheus)\" panel");
            Assert.Contains(Targets(fallback), target => AlertsSeries().IsMatch(Text(target["expr"])));
        }
    }

    /// <summary>
    /// docs/deadlines.md names the metrics the alerts and dashboards rely on: each is charted, the
    /// gateway's on "Gateway", the replicas' on "API and database".
    /// </summary>
    [Fact]
    public void Every_metric_of_the_deadlines_contract_is_charted_on_its_dashboard()
    {
        var contract = File.ReadAllText(Platform.Topology.RepositoryRoot.Combine("docs", "deadlines.md"));
        var metrics = ContractMetric().Matches(contract).Select(match => match.Groups["name"].Value).Distinct(StringComparer.Ordinal).ToList();
        Assert.Contains("gateway_upstream_ejected", metrics);
        Assert.Contains("api_requests_shed_total", metrics);

        var queries = DashboardFiles.Queries();
        Assert.All(metrics, metric =>
        {
            var dashboard = metric.StartsWith("gateway_", StringComparison.Ordinal) ? "Gateway" : "API and database";
            var reads = new Regex($@"\b{Regex.Escape(metric)}(?:_bucket|_count|_sum)?\{{", RegexOptions.None, TimeSpan.FromSeconds(1));
            Assert.True(queries.Any(query => query.Dashboard == dashboard && reads.IsMatch(query.Expression)),
                $"{metric} (docs/deadlines.md) is charted by no panel of \"{dashboard}\"");
        });
    }

    /// <summary>
    /// Each latency panel draws the exemplars of one of its histogram queries (the others read the same buckets
    /// and would draw every dot again), so a slow bucket's request links to its trace; nothing else draws any.
    /// </summary>
    [Fact]
    public void Each_latency_panel_draws_the_exemplars_of_one_histogram_query()
    {
        (string Dashboard, string Panel)[] latency =
        [
            ("Gateway", "Latency p50 / p95 / p99"), ("Gateway", "Latency by replica (p95, p99)"),
            ("API and database", "p95 latency per replica"), ("API and database", "Latency p95 (all replicas)"),
        ];
        var withExemplars = DashboardFiles.Queries().Where(query => query.Exemplar).ToList();

        Assert.Equal(latency.Order(), withExemplars.Select(query => (query.Dashboard, query.Panel)).Order());
        Assert.All(withExemplars, query => Assert.Matches(@"^histogram_quantile\(0\.\d+, sum by \([a-z, ]*le\) \(rate\([a-z_]+_duration_seconds_bucket\{", query.Expression));
    }

    [Fact]
    public void Expand_replaces_every_variable_the_dashboards_use()
    {
        Assert.Equal(
            "rate(x{job=~\".+\", instance=~\".+\"}[1m]) + rate(x{job=~\".+\"}[15s]) + increase(x[5m])",
            DashboardFiles.Expand("rate(x{job=~\"$job\", instance=~\"${instance}\"}[$__rate_interval]) + rate(x{job=~\"${job}\"}[$__interval]) + increase(x[$__range])"));
    }

    [Fact]
    public void Expanded_expressions_hold_no_variable()
    {
        Assert.All(DashboardFiles.Queries(), query => Assert.DoesNotContain("$", DashboardFiles.Expand(query.Expression), StringComparison.Ordinal));
    }

    /// <summary>
    /// A red step with a value, and for a time series a threshold style other than "off": on the defaults,
    /// or on an override (a series on its own axis with its own threshold line).
    /// </summary>
    private static bool DrawsThreshold(JsonObject panel)
    {
        var defaults = panel["fieldConfig"]?["defaults"];
        var overrides = (panel["fieldConfig"]?["overrides"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(entry => (entry["properties"] as JsonArray ?? []).OfType<JsonObject>())
            .ToList();

        var thresholds = new[] { defaults?["thresholds"] }
            .Concat(overrides.Where(property => Text(property["id"]) == "thresholds").Select(property => property["value"]));
        var hasRedStep = thresholds.Any(threshold => (threshold?["steps"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(step => Text(step["color"]) == "red" && step["value"] is JsonValue value && value.TryGetValue<double>(out _)));

        if (Text(panel["type"]) != "timeseries")
        {
            return hasRedStep;
        }

        var styles = new[] { defaults?["custom"]?["thresholdsStyle"] }
            .Concat(overrides.Where(property => Text(property["id"]) == "custom.thresholdsStyle").Select(property => property["value"]));
        return hasRedStep && styles.Any(style => Text(style?["mode"]) is { Length: > 0 } mode && mode != "off");
    }

    private static IEnumerable<JsonObject> Targets(JsonObject panel) => (panel["targets"] as JsonArray ?? []).OfType<JsonObject>();

    private static IEnumerable<JsonObject> Variables(JsonObject dashboard) => (dashboard["templating"]?["list"] as JsonArray ?? []).OfType<JsonObject>();

    private static bool IsRow(JsonObject panel) => Text(panel["type"]) == "row";

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static void AssertUnique(IEnumerable<string> values, string what)
    {
        var duplicates = values.GroupBy(value => value, StringComparer.Ordinal).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
        Assert.True(duplicates.Count == 0, $"duplicate {what}: {string.Join(", ", duplicates)}");
    }

    [GeneratedRegex(@"\bALERTS\s*\{")]
    private static partial Regex AlertsSeries();

    // A row of a metrics table: | `gateway_hedges_total` | ...
    [GeneratedRegex(@"^\| `(?<name>(?:gateway|api)_[a-z0-9_]+)`", RegexOptions.Multiline)]
    private static partial Regex ContractMetric();
}
