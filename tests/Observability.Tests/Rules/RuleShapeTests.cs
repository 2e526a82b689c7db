using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Platform.Testing;
using Platform.Topology;
using YamlDotNet.RepresentationModel;

namespace Platform.Observability.Tests.Rules;

/// <summary>
/// What every alert in prometheus/alerts.yml must carry to be worth a page: a wait before it fires, a
/// severity, words for the person paged, a runbook section and a dashboard panel; thresholds that
/// match what the services export; and promtool cases in alerts.test.yml that make it fire and keep it silent.
/// </summary>
public sealed partial class RuleShapeTests
{
    private static readonly string[] RunbookParts = ["What it means", "Open", "First three checks", "Fix"];

    private static readonly Lazy<IReadOnlyList<AlertRule>> Rules = new(AlertRulesFile.All);
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Runbook = new(ReadRunbookSections);

    public static TheoryData<string> AlertNames() => [.. AlertRulesFile.All().Select(rule => rule.Name)];

    [Fact]
    public void Alert_names_are_unique()
    {
        Assert.NotEmpty(Rules.Value);
        var repeated = Rules.Value.GroupBy(rule => rule.Name, StringComparer.Ordinal).Where(group => group.Count() > 1).Select(group => group.Key);
        Assert.Empty(repeated);
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void The_alert_waits_before_it_fires(string name) =>
        Assert.True(Rule(name).For > TimeSpan.Zero, $"{name} has no for: and would page on a single evaluation.");

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void The_alert_is_a_warning_or_critical(string name)
    {
        var labels = Rule(name).Labels;
        Assert.True(labels.TryGetValue("severity", out var severity), $"{name} has no severity label.");
        Assert.Contains(severity, (string[])["warning", "critical"]);
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void The_alert_has_a_summary_and_a_description(string name)
    {
        var annotations = Rule(name).Annotations;
        Assert.False(string.IsNullOrWhiteSpace(annotations.GetValueOrDefault("summary")), $"{name} has no summary.");
        Assert.False(string.IsNullOrWhiteSpace(annotations.GetValueOrDefault("description")), $"{name} has no description.");
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void The_alert_links_its_runbook_section(string name)
    {
        var runbook = Rule(name).Annotations.GetValueOrDefault("runbook") ?? "";
        Assert.Equal($"docs/runbook.md#{name.ToLowerInvariant()}", runbook);
        var anchor = runbook[(runbook.IndexOf('#', StringComparison.Ordinal) + 1)..];
        Assert.True(Runbook.Value.Keys.Any(heading => Slug(heading) == anchor && heading == name),
            $"docs/runbook.md has no '## {name}' heading for the anchor #{anchor}.");
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void The_alert_names_a_dashboard_and_panel(string name)
    {
        var dashboard = Rule(name).Annotations.GetValueOrDefault("dashboard") ?? "";
        var parts = dashboard.Split(" / ");
        Assert.True(parts.Length == 2 && parts.All(part => part.Length > 0 && part.Trim() == part),
            $"{name}'s dashboard annotation '{dashboard}' is not of the form \"Dashboard / Panel\".");
    }

    /// <summary>
    /// Latency is alerted on from both sides: the replicas' own histogram, and the gateway's, which is
    /// what clients see (a frozen replica records nothing while they wait). Alert, histogram, the filter
    /// it must keep, and the source file holding that histogram's buckets.
    /// </summary>
    public static TheoryData<string, string, string, string> LatencyAlerts() => new()
    {
        // Health probes and the back office's exports (which stream for minutes by design) left out.
        { "ApiLatencyP95High", "http_request_duration_seconds_bucket{", "endpoint!~\"/health/.*|/api/v1/admin/reservations/export\"", "api/Observability/ObservabilitySetup.cs" },
        // Requests outside every route (404s, never sent to a replica) and exports left out.
        { "GatewayLatencyP95High", "gateway_request_duration_seconds_bucket{", "route!~\"none|export\"", "gateway/Observability/GatewayObservabilitySetup.cs" },
    };

    [Theory]
    [MemberData(nameof(LatencyAlerts))]
    public void The_latency_threshold_is_a_bucket_boundary_of_the_histogram_it_reads(string name, string histogram, string filter, string bucketsSource)
    {
        var rule = Rule(name);
        var threshold = Threshold(rule);
        var buckets = BucketsIn(RepositoryRoot.Combine(bucketsSource.Split('/')));
        Assert.Equal(5, threshold);
        Assert.Contains(threshold, buckets);
        Assert.StartsWith("histogram_quantile(0.95,", rule.Expression.Trim(), StringComparison.Ordinal);
        Assert.Contains(histogram, rule.Expression, StringComparison.Ordinal);
        // Summed by le across replicas (the p95 of all requests, not an average of per-replica p95s).
        Assert.Contains("sum by (le) (rate(", rule.Expression, StringComparison.Ordinal);
        Assert.Contains(filter, rule.Expression, StringComparison.Ordinal);
    }

    [Fact]
    public void The_timeout_alert_compares_the_gateways_deadline_504s_with_the_requests_of_the_same_route()
    {
        var rule = Rule("GatewayTimeoutRatioHigh");
        var expression = string.Join(' ', rule.Expression.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(
            "sum by (job, route) (rate(gateway_deadline_exceeded_total{job=\"gateway\"}[5m])) / sum by (job, route) (rate(gateway_request_duration_seconds_count{job=\"gateway\"}[5m])) >",
            expression, StringComparison.Ordinal);
        Assert.Equal(0.01, Threshold(rule));
    }

    [Fact]
    public void The_gateway_times_requests_into_the_same_buckets_as_the_api()
    {
        var api = BucketsIn(RepositoryRoot.Combine("api", "Observability", "ObservabilitySetup.cs"));
        var gateway = BucketsIn(RepositoryRoot.Combine("gateway", "Observability", "GatewayObservabilitySetup.cs"));
        Assert.Equal(api, gateway);
    }

    [Fact]
    public void The_connection_alerts_count_used_connections_above_20()
    {
        var connectionAlerts = Rules.Value.Where(rule => rule.Expression.Contains("mysqlconnector_db_client_connections_usage", StringComparison.Ordinal)).ToList();
        Assert.Equal(["DatabaseConnectionsHigh", "DatabaseConnectionsHighTotal"], connectionAlerts.Select(rule => rule.Name).Order(StringComparer.Ordinal));
        foreach (var rule in connectionAlerts)
        {
            Assert.Contains("state=\"used\"", rule.Expression, StringComparison.Ordinal);
            Assert.Equal(20, Threshold(rule));
        }
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void The_alert_has_promtool_cases_that_fire_and_stay_silent(string name)
    {
        var cases = PromtoolCases().Where(test => test.AlertName == name).ToList();
        var firing = cases.Where(test => test.Expected.Count > 0).ToList();
        Assert.True(firing.Count > 0, $"alerts.test.yml never expects {name} to fire.");
        Assert.True(cases.Any(test => test.Expected.Count == 0), $"alerts.test.yml never expects {name} to stay silent (exp_alerts: []).");

        var severity = Rule(name).Labels["severity"];
        Assert.All(firing.SelectMany(test => test.Expected), labels => Assert.Equal(severity, labels.GetValueOrDefault("severity")));
    }

    [Fact]
    public void Every_alert_the_promtool_cases_name_exists()
    {
        var names = Rules.Value.Select(rule => rule.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(PromtoolCases().Select(test => test.AlertName).Where(name => !names.Contains(name)).Distinct());
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void The_runbook_section_has_the_four_parts(string name)
    {
        Assert.True(Runbook.Value.TryGetValue(name, out var section), $"docs/runbook.md has no '## {name}' section.");
        var missing = RunbookParts.Where(part => !Regex.IsMatch(section, $@"^\*\*{Regex.Escape(part)}\.?\*\*", RegexOptions.Multiline));
        Assert.Empty(missing);

        var checks = section[section.IndexOf("**First three checks", StringComparison.Ordinal)..section.IndexOf("**Fix", StringComparison.Ordinal)];
        Assert.All(["1. ", "2. ", "3. "], number => Assert.Contains("\n" + number, checks, StringComparison.Ordinal));
        foreach (var reference in Regex.Matches(section, @"\]\(#(?<anchor>[^)]+)\)").Select(match => match.Groups["anchor"].Value))
            Assert.True(AllRunbookAnchors().Contains(reference), $"The {name} section links to #{reference}, which is no heading.");
    }

    [Theory]
    [MemberData(nameof(AlertNames))]
    public void The_runbook_table_lists_the_alert_with_its_severity_and_for(string name)
    {
        var rule = Rule(name);
        var row = $"| [{name}](#{name.ToLowerInvariant()}) | {rule.Labels["severity"]} | {AlertRulesFile.FormatDuration(rule.For)} | {rule.Group} |";
        Assert.Contains(row, File.ReadAllText(RunbookPath), StringComparison.Ordinal);
    }

    [Fact]
    public void WithFor_replaces_every_rule_wait_and_nothing_else()
    {
        var text = File.ReadAllText(AlertRulesFile.DefaultPath);
        var shortened = AlertRulesFile.WithFor(text, TimeSpan.FromSeconds(2));
        var path = Path.Combine(Path.GetTempPath(), $"platform-alerts-{Guid.NewGuid():N}.yml");
        try
        {
            File.WriteAllText(path, shortened);
            var rules = AlertRulesFile.Load(path);
            Assert.All(rules, rule => Assert.Equal(TimeSpan.FromSeconds(2), rule.For));
            Assert.Equal(Rules.Value.Select(rule => (rule.Name, rule.Expression)), rules.Select(rule => (rule.Name, rule.Expression)));
            Assert.Equal(text.Split('\n').Length, shortened.Split('\n').Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("5m", 300_000)]
    [InlineData("90s", 90_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("250ms", 250)]
    public void Durations_read_as_Prometheus_writes_them(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), AlertRulesFile.ParseDuration(text));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), AlertRulesFile.ParseDuration(AlertRulesFile.FormatDuration(TimeSpan.FromMilliseconds(milliseconds))));
    }

    private static string RunbookPath => RepositoryRoot.Combine("docs", "runbook.md");

    private static AlertRule Rule(string name) =>
        Rules.Value.SingleOrDefault(rule => rule.Name == name) ?? throw new InvalidOperationException($"No alert {name} in alerts.yml.");

    /// <summary>The number an expression's last comparison tests against: <c>... &gt; 20</c> is 20.</summary>
    private static double Threshold(AlertRule rule)
    {
        var match = FinalComparison().Match(rule.Expression);
        Assert.True(match.Success, $"{rule.Name}'s expression does not end in a comparison with a number: {rule.Expression}");
        return double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>The <c>RequestDurationBuckets</c> array literal of a C# source file.</summary>
    private static double[] BucketsIn(string sourcePath)
    {
        var match = BucketsLiteral().Match(File.ReadAllText(sourcePath));
        Assert.True(match.Success, $"No RequestDurationBuckets array in {sourcePath}.");
        return [.. match.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(value => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture))];
    }

    /// <summary>Runbook sections by their <c>## </c> heading, each with its text up to the next one.</summary>
    private static Dictionary<string, string> ReadRunbookSections()
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? heading = null;
        var body = new StringBuilder();
        foreach (var line in File.ReadLines(RunbookPath))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (heading is not null)
                    sections.Add(heading, body.ToString());
                heading = line[3..].Trim();
                body.Clear();
            }
            else
            {
                body.Append(line).Append('\n');
            }
        }
        if (heading is not null)
            sections.Add(heading, body.ToString());
        return sections;
    }

    private static HashSet<string> AllRunbookAnchors() =>
        File.ReadLines(RunbookPath).Where(line => line.StartsWith('#')).Select(line => Slug(line.TrimStart('#'))).ToHashSet(StringComparer.Ordinal);

    /// <summary>The anchor a Markdown renderer gives a heading: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (var c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
                slug.Append(c);
            else if (c == ' ')
                slug.Append('-');
        }
        return slug.ToString();
    }

    private sealed record PromtoolCase(string AlertName, IReadOnlyList<IReadOnlyDictionary<string, string>> Expected);

    /// <summary>Every alert_rule_test of prometheus/alerts.test.yml, with the label sets it expects to fire.</summary>
    private static List<PromtoolCase> PromtoolCases()
    {
        using var reader = new StreamReader(RepositoryRoot.Combine("prometheus", "alerts.test.yml"));
        var stream = new YamlStream();
        stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var cases = new List<PromtoolCase>();
        foreach (var test in Children<YamlSequenceNode>(root, "tests")?.OfType<YamlMappingNode>() ?? [])
        {
            foreach (var alertTest in Children<YamlSequenceNode>(test, "alert_rule_test")?.OfType<YamlMappingNode>() ?? [])
            {
                var name = Children<YamlScalarNode>(alertTest, "alertname")?.Value ?? "";
                var expected = (Children<YamlSequenceNode>(alertTest, "exp_alerts")?.OfType<YamlMappingNode>() ?? [])
                    .Select(alert => (IReadOnlyDictionary<string, string>)(Children<YamlMappingNode>(alert, "exp_labels")?.Children
                            ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
                        .ToDictionary(pair => ((YamlScalarNode)pair.Key).Value ?? "", pair => ((YamlScalarNode)pair.Value).Value ?? "", StringComparer.Ordinal))
                    .ToList();
                cases.Add(new PromtoolCase(name, expected));
            }
        }
        return cases;
    }

    private static T? Children<T>(YamlMappingNode node, string key) where T : YamlNode =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as T : null;

    [GeneratedRegex(@"(?:>|<|>=|<=|==|!=)\s*(?<value>[0-9]+(?:\.[0-9]+)?)\s*$")]
    private static partial Regex FinalComparison();

    [GeneratedRegex(@"RequestDurationBuckets\s*=\s*\[(?<values>[^\]]*)\]")]
    private static partial Regex BucketsLiteral();
}
