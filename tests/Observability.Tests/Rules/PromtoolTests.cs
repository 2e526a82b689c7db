using Platform.Testing;
using Platform.Topology;

namespace Platform.Observability.Tests.Rules;

/// <summary>
/// The Prometheus and Alertmanager files as their own tools read them: both Prometheus configurations,
/// the rules, the rules' unit tests (prometheus/alerts.test.yml) and the Alertmanager configuration.
/// The last two tests prove the checks can fail: a broken expression and a wrong expectation are refused.
/// </summary>
public sealed class PromtoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_compose_configuration_is_valid()
    {
        var (exitCode, output) = await PromtoolAsync("check", "config", Prometheus("prometheus.yml"));
        Assert.True(exitCode == 0, $"promtool check config prometheus.yml exited {exitCode}:{Environment.NewLine}{output}");
    }

    [Fact]
    public async Task The_local_configuration_is_valid()
    {
        var (exitCode, output) = await PromtoolAsync("check", "config", Prometheus("prometheus.local.yml"));
        Assert.True(exitCode == 0, $"promtool check config prometheus.local.yml exited {exitCode}:{Environment.NewLine}{output}");
    }

    [Fact]
    public async Task The_local_configuration_reads_the_target_files_platform_writes()
    {
        // As `./platform up` lays it out: the configuration, the rules and targets/*.json side by side.
        var directory = ScratchDirectory.Create("platform-promtool-");
        try
        {
            File.Copy(Prometheus("prometheus.local.yml"), directory.Combine("prometheus.yml"));
            File.Copy(Prometheus("alerts.yml"), directory.Combine("alerts.yml"));
            Directory.CreateDirectory(directory.Combine("targets"));
            await File.WriteAllTextAsync(Path.Combine(directory.Path, "targets", "api.json"),
                """[{ "targets": ["127.0.0.1:9101", "127.0.0.1:9102", "127.0.0.1:9103"] }]""", Cancellation);
            await File.WriteAllTextAsync(Path.Combine(directory.Path, "targets", "gateway.json"),
                """[{ "targets": ["127.0.0.1:9100"] }]""", Cancellation);
            await File.WriteAllTextAsync(Path.Combine(directory.Path, "targets", "node.json"),
                """[{ "targets": ["127.0.0.1:9200"], "labels": { "data_mountpoint": "/" } }]""", Cancellation);

            var (exitCode, output) = await PromtoolAsync("check", "config", directory.Combine("prometheus.yml"));
            Assert.True(exitCode == 0, $"promtool check config exited {exitCode}:{Environment.NewLine}{output}");
            Assert.DoesNotContain("WARNING", output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    public async Task The_alert_rules_are_valid()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", Prometheus("alerts.yml"));
        Assert.True(exitCode == 0, $"promtool check rules exited {exitCode}:{Environment.NewLine}{output}");
        Assert.Contains($"SUCCESS: {AlertRulesFile.All().Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alert_rules_pass_their_unit_tests()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", Prometheus("alerts.test.yml"));
        Assert.True(exitCode == 0, $"promtool test rules exited {exitCode}:{Environment.NewLine}{output}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alertmanager_configuration_is_valid()
    {
        var amtool = RequiredServer.Locate("amtool");
        var (exitCode, output) = await ChildProcess.RunAsync(amtool, ["check-config", Prometheus("alertmanager.yml")], Timeout);
        Assert.True(exitCode == 0, $"amtool check-config exited {exitCode}:{Environment.NewLine}{output}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_refuses_a_rule_with_a_broken_expression()
    {
        var directory = ScratchDirectory.Create("platform-promtool-");
        try
        {
            var rules = await File.ReadAllTextAsync(Prometheus("alerts.yml"), Cancellation);
            var broken = rules.Replace("expr: up{job=\"api\"} == 0", "expr: up{job=\"api\" == 0", StringComparison.Ordinal);
            Assert.NotEqual(rules, broken);
            var path = directory.Combine("alerts.yml");
            await File.WriteAllTextAsync(path, broken, Cancellation);

            var (exitCode, output) = await PromtoolAsync("check", "rules", path);
            Assert.True(exitCode != 0, $"promtool check rules accepted a broken expression:{Environment.NewLine}{output}");
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    public async Task Promtool_refuses_a_test_whose_expectation_is_wrong()
    {
        var directory = ScratchDirectory.Create("platform-promtool-");
        try
        {
            File.Copy(Prometheus("alerts.yml"), directory.Combine("alerts.yml"));
            // api-2 is down from 2m, so ApiReplicaDown fires for 127.0.0.1:9102; the test expects 9101.
            var path = directory.Combine("wrong.test.yml");
            await File.WriteAllTextAsync(path, """
                rule_files:
                  - alerts.yml
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'up{job="api", instance="127.0.0.1:9101"}'
                        values: '1x10'
                      - series: 'up{job="api", instance="127.0.0.1:9102"}'
                        values: '1 1 0x8'
                    alert_rule_test:
                      - eval_time: 5m
                        alertname: ApiReplicaDown
                        exp_alerts:
                          - exp_labels:
                              severity: warning
                              job: api
                              instance: 127.0.0.1:9101
                """, Cancellation);

            var (exitCode, output) = await PromtoolAsync("test", "rules", path);
            Assert.True(exitCode != 0, $"promtool test rules passed a wrong expectation:{Environment.NewLine}{output}");
            Assert.Contains("FAILED", output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete();
        }
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string Prometheus(string file) => RepositoryRoot.Combine("prometheus", file);

    private static Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments) =>
        ChildProcess.RunAsync(RequiredServer.Locate("promtool"), arguments, Timeout);
}
