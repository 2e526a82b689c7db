using System.Xml.Linq;
using Platform.Cli.TestRuns;
using Platform.Testing;
using Platform.Topology;

namespace Platform.Deployment.Tests.Cli;

/// <summary>The suite's time budget: every test project has one, they fit the whole, and a run's TRX files are read against them.</summary>
public sealed class SuiteBudgetTests : IDisposable
{
    private readonly ScratchDirectory _results = ScratchDirectory.Create("platform-budget-");

    public void Dispose() => _results.Delete();

    [Fact]
    public void Every_test_project_of_the_solution_has_a_budget()
    {
        var projects = SolutionTestProjects.Read(RepositoryRoot.Combine("Platform.sln"));

        Assert.NotEmpty(projects);
        Assert.All(projects, project =>
        {
            var assembly = XDocument.Load(project).Descendants("AssemblyName").Single().Value;
            Assert.True(SuiteBudget.Projects.ContainsKey(assembly), $"{assembly} has no share of the suite's time in SuiteBudget.Projects");
        });
    }

    [Fact]
    public void The_projects_shares_and_the_build_fit_the_whole()
    {
        var shares = SuiteBudget.Projects.Values.Aggregate(TimeSpan.Zero, (sum, share) => sum + share);

        Assert.True(shares + TimeSpan.FromMinutes(1.5) <= SuiteBudget.Total, $"the shares add up to {shares}, leaving no 1.5 minutes of build in {SuiteBudget.Total}");
    }

    [Fact]
    public void A_run_is_reported_per_project_against_its_share_and_over_it_is_said()
    {
        Write("a.trx", "/repo/tests/api.tests/bin/release/net10.0/platform.api.tests.dll", TimeSpan.FromSeconds(100));
        Write("b.trx", "/repo/tests/gateway.tests/bin/release/net10.0/platform.gateway.tests.dll", TimeSpan.FromMinutes(4));
        Write("c.trx", "/repo/tests/new.tests/bin/release/net10.0/platform.new.tests.dll", TimeSpan.FromSeconds(5));
        File.WriteAllText(_results.Combine("broken.trx"), "<TestRun");

        var lines = SuiteBudget.Report(_results.Path, TimeSpan.FromMinutes(16)).ToList();

        Assert.Equal(
        [
            "time: Platform.Api.Tests 1m40s of 2m30s",
            "time: Platform.Gateway.Tests 4m00s of 3m30s, OVER its budget",
            "time: platform.new.tests 5s (no budget: add it to SuiteBudget)",
            "time: the whole run, build included 16m00s of 15m00s, OVER its budget",
        ], lines);
    }

    private void Write(string name, string storage, TimeSpan took)
    {
        var start = new DateTimeOffset(2026, 12, 6, 23, 0, 0, TimeSpan.Zero);
        File.WriteAllText(_results.Combine(name), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Times creation="{start:O}" start="{start:O}" finish="{start + took:O}" />
              <TestDefinitions>
                <UnitTest name="One.Test" storage="{storage}" id="1" />
              </TestDefinitions>
            </TestRun>
            """);
    }
}
