using Platform.Observability.Tests.Dashboards;
using Platform.Testing;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// Prometheus as <c>./platform up</c> and the tests start it keeps exemplars, and answers for the queries whose
/// exemplars the latency panels draw, as Grafana asks for them. (That an exemplar carries a trace id the viewer
/// holds needs the services to trace; their histograms then attach it.)
/// </summary>
[Collection(SharedMonitoredPlatform.Name)]
public sealed class ExemplarTests(MonitoredPlatform platform)
{
    public static TheoryData<string, string, string> ExemplarQueries() =>
        new(DashboardFiles.Queries().Where(query => query.Exemplar).Select(query => (query.Dashboard, $"{query.Panel} ({query.RefId})", query.Expression)));

    [Fact]
    public async Task Prometheus_keeps_exemplars()
    {
        // Its own figure, once it has scraped itself (every second here).
        QueryResult? last = null;
        await Eventually.AssertAsync(
            async () => (last = await platform.Prometheus.QueryAsync("max(prometheus_tsdb_exemplar_max_exemplars)", TestContext.Current.CancellationToken)).OnlyValue() > 0,
            TimeSpan.FromSeconds(15),
            () => $"Prometheus keeps no exemplars (--enable-feature=exemplar-storage): {string.Join(", ", last?.Series ?? [])} {last?.Error}",
            TimeSpan.FromMilliseconds(500));
    }

    [Theory]
    [MemberData(nameof(ExemplarQueries))]
    public async Task Prometheus_answers_for_the_exemplars_of_each_latency_panel(string dashboard, string panel, string expression)
    {
        var (parsed, error, _) = await platform.Prometheus.ExemplarsAsync(DashboardFiles.Expand(expression), TestContext.Current.CancellationToken);
        Assert.True(parsed, $"{dashboard} / {panel}: {error}");
    }
}
