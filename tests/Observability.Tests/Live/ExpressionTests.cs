using Platform.Observability.Tests.Dashboards;
using Platform.Observability.Tests.Rules;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// Every PromQL expression in every dashboard and every alert, sent to a real Prometheus that has
/// scraped the real services through ordinary traffic and an overload: a renamed metric or label
/// value fails here, not on the on-call engineer's screen.
/// </summary>
[Collection(SharedMonitoredPlatform.Name)]
public sealed class ExpressionTests(MonitoredPlatform platform)
{
    public static TheoryData<string, string, string> DashboardQueries() =>
        new(DashboardFiles.Queries().Select(query => (query.Dashboard, $"{query.Panel} ({query.RefId})", query.Expression)));

    public static TheoryData<string, string> Alerts() =>
        new(AlertRulesFile.All().Select(rule => (rule.Name, rule.Expression)));

    public static TheoryData<string, string, string> Variables() =>
        new(DashboardFiles.Variables().Select(variable => (variable.Dashboard, variable.Name, variable.Query)));

    [Theory]
    [MemberData(nameof(DashboardQueries))]
    public async Task Every_dashboard_panel_expression_parses_and_returns_series(string dashboard, string panel, string expression)
    {
        await platform.OverloadAsync();
        var result = await platform.Prometheus.QueryAsync(DashboardFiles.Expand(expression), TestContext.Current.CancellationToken);
        Assert.True(result.Parsed, $"{dashboard} / {panel}: {result.Error}");
        // This platform runs one MariaDB: what only a Galera node exports is checked on a real cluster.
        if (GaleraExporterTests.ClusterOnly(expression))
            return;
        Assert.True(result.Series.Count > 0, $"{dashboard} / {panel} returned no series: {DashboardFiles.Expand(expression)}");
    }

    [Theory]
    [MemberData(nameof(Alerts))]
    public async Task Every_alert_expression_parses_and_each_of_its_selectors_returns_series(string alert, string expression)
    {
        await platform.OverloadAsync();
        var cancellation = TestContext.Current.CancellationToken;
        var result = await platform.Prometheus.QueryAsync(expression, cancellation);
        Assert.True(result.Parsed, $"{alert}: {result.Error}");

        var selectors = PromQlSelectors.Extract(expression);
        Assert.NotEmpty(selectors);
        // Some series exist only while their fault lasts (a session waiting for a lock): the fault's
        // own test checks those selectors while it holds the fault.
        if (ServerFaultTests.SelectorsCheckedUnderFault.Contains(alert) || GaleraExporterTests.ClusterOnly(expression))
            return;
        foreach (var selector in selectors)
        {
            var series = await platform.Prometheus.QueryAsync(selector, cancellation);
            Assert.True(series.Series.Count > 0, $"{alert}: {selector} selects nothing that the services export");
        }
    }

    [Theory]
    [MemberData(nameof(ClusterAlerts))]
    public async Task A_database_cluster_alert_stays_silent_on_one_server(string alert, string expression)
    {
        await platform.OverloadAsync();
        var result = await platform.Prometheus.QueryAsync(expression, TestContext.Current.CancellationToken);
        Assert.True(result.Parsed, $"{alert}: {result.Error}");
        Assert.True(result.Series.Count == 0, $"{alert} would fire on a single MariaDB: {expression}");
    }

    public static TheoryData<string, string> ClusterAlerts() =>
        new(AlertRulesFile.All().Where(rule => rule.Group == GaleraExporterTests.AlertGroup).Select(rule => (rule.Name, rule.Expression)));

    [Theory]
    [MemberData(nameof(Variables))]
    public async Task Every_dashboard_variable_finds_values(string dashboard, string name, string query)
    {
        await platform.OverloadAsync();
        var match = System.Text.RegularExpressions.Regex.Match(query, @"^label_values\((?<selector>.+),\s*(?<label>\w+)\)$");
        Assert.True(match.Success, $"{dashboard} ${name}: not a label_values(selector, label) query: {query}");
        var selector = DashboardFiles.Expand(match.Groups["selector"].Value);
        var result = await platform.Prometheus.QueryAsync($"count by ({match.Groups["label"].Value}) ({selector})", TestContext.Current.CancellationToken);
        Assert.True(result.Parsed, $"{dashboard} ${name}: {result.Error}");
        Assert.True(result.Series.Count > 0, $"{dashboard} ${name} has no values: {query}");
    }

    [Fact]
    public async Task Prometheus_scrapes_every_replica_and_the_gateway_and_loads_every_rule()
    {
        await platform.OverloadAsync();
        var cancellation = TestContext.Current.CancellationToken;
        foreach (var replica in platform.Cluster.Replicas)
        {
            var up = await platform.Prometheus.QueryAsync($"up{{job=\"api\", instance=\"{replica.MetricsAddress.Authority}\"}}", cancellation);
            Assert.Equal(1, up.OnlyValue());
        }

        var gateway = await platform.Prometheus.QueryAsync($"up{{job=\"gateway\", instance=\"{platform.Gateway.MetricsAddress!.Authority}\"}}", cancellation);
        Assert.Equal(1, gateway.OnlyValue());
        var rules = await platform.Prometheus.QueryAsync("sum(prometheus_rule_group_rules)", cancellation);
        Assert.Equal(AlertRulesFile.All().Count, rules.OnlyValue());
    }
}
