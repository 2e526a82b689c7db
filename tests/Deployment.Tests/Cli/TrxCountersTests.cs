using Platform.Cli.TestRuns;
using Platform.Testing;
using Platform.Topology;

namespace Platform.Deployment.Tests.Cli;

/// <summary>How <c>./platform test</c> sums the TRX files the test platform writes, and what it does with ones it cannot read.</summary>
public sealed class TrxCountersTests : IDisposable
{
    private readonly ScratchDirectory _results = ScratchDirectory.Create("platform-trx-");

    public void Dispose() => _results.Delete();

    private string Write(string name, string counters, string outcome = "Completed", string runInfos = "")
    {
        var path = _results.Combine(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <ResultSummary outcome="{outcome}">
                <Counters {counters} />
                {runInfos}
              </ResultSummary>
            </TestRun>
            """);
        return path;
    }

    private const string HostCrashed = """
        <RunInfos>
          <RunInfo computerName="vm" outcome="Error" timestamp="2026-01-01T00:00:00">
            <Text>The active test run was aborted. Reason: Test host process crashed</Text>
          </RunInfo>
        </RunInfos>
        """;

    [Fact]
    public void Errors_timeouts_and_aborts_are_failures_and_skipped_is_total_less_executed()
    {
        var counters = TrxCounters.Read(Write("a.trx",
            "total=\"12\" executed=\"10\" passed=\"6\" failed=\"1\" error=\"1\" timeout=\"1\" aborted=\"1\" notExecuted=\"0\""));
        Assert.Equal(new TrxCounters(6, 4, 2), counters);
        Assert.Equal("6 passed, 4 failed, 2 skipped", counters.ToString());
        Assert.Equal("3 passed, 0 failed", new TrxCounters(3, 0, 0).ToString());
    }

    [Fact]
    public void Every_project_s_file_under_the_results_directory_is_counted()
    {
        Write("a.trx", "total=\"3\" executed=\"3\" passed=\"3\" failed=\"0\"");
        Write(Path.Combine("nested", "b.trx"), "total=\"5\" executed=\"4\" passed=\"3\" failed=\"1\"");
        File.WriteAllText(_results.Combine("not-results.xml"), "<x/>");
        Assert.Equal((new TrxCounters(6, 1, 1), 2), TrxCounters.Sum(_results.Path));
    }

    [Fact]
    public void A_run_whose_host_crashed_is_a_failure_even_when_every_test_it_reported_passed()
    {
        var crashed = TrxCounters.Read(Write("crashed.trx",
            "total=\"3\" executed=\"3\" passed=\"3\" failed=\"0\"", outcome: "Failed", runInfos: HostCrashed));
        Assert.Equal(new TrxCounters(3, 1, 0), crashed);

        // Its failed tests already say it failed: the crash adds none.
        var failing = TrxCounters.Read(Write("failing.trx", "total=\"3\" executed=\"3\" passed=\"1\" failed=\"2\"", outcome: "Failed"));
        Assert.Equal(new TrxCounters(1, 2, 0), failing);
    }

    [Fact]
    public void A_crashed_project_counts_even_when_another_project_has_failures()
    {
        Write("a.trx", "total=\"4\" executed=\"4\" passed=\"2\" failed=\"2\"", outcome: "Failed");
        Write("b.trx", "total=\"5\" executed=\"5\" passed=\"5\" failed=\"0\"", outcome: "Failed", runInfos: HostCrashed);
        var (totals, files) = TrxCounters.Sum(_results.Path);
        Assert.Equal("7 passed, 3 failed", TrxCounters.Judge(totals, files, projects: 2, exitCode: 1).ToString());
    }

    [Fact]
    public void A_project_without_a_single_result_fails_unless_a_filter_chose_the_tests()
    {
        Write("a.trx", "total=\"3\" executed=\"3\" passed=\"3\" failed=\"0\"");
        Write("empty.trx", "total=\"0\" executed=\"0\" passed=\"0\" failed=\"0\"");
        Assert.Equal(new TrxCounters(3, 1, 0), TrxCounters.Sum(_results.Path, emptyRunFails: true).Totals);
        Assert.Equal(new TrxCounters(3, 0, 0), TrxCounters.Sum(_results.Path, emptyRunFails: false).Totals);
    }

    [Theory]
    [InlineData(5, 5, 0, "3 passed, 0 failed")] // every project left its file
    [InlineData(3, 5, 1, "3 passed, 2 failed")] // two projects left none: each is a failure, whatever the exit code says
    [InlineData(5, 5, 1, "3 passed, 1 failed")] // dotnet test failed for a reason the files do not show
    [InlineData(7, 5, 0, "3 passed, 0 failed")] // more files than projects (another logger's): nothing missing
    public void Each_test_project_that_left_no_results_is_a_failure(int files, int projects, int exitCode, string expected) =>
        Assert.Equal(expected, TrxCounters.Judge(new TrxCounters(3, 0, 0), files, projects, exitCode).ToString());

    [Fact]
    public void A_run_that_left_no_results_at_all_is_a_failure_for_each_project_and_never_less_than_one()
    {
        Assert.Equal("0 passed, 5 failed", TrxCounters.Judge(TrxCounters.Zero, files: 0, projects: 5, exitCode: 1).ToString());
        Assert.Equal("0 passed, 1 failed", TrxCounters.Judge(TrxCounters.Zero, files: 0, projects: 0, exitCode: 0).ToString());
    }

    [Fact]
    public void The_solutions_test_projects_are_those_that_reference_the_test_sdk()
    {
        var projects = SolutionTestProjects.Read(RepositoryRoot.Combine("Platform.sln"))
            .Select(Path.GetFileName).ToList();

        foreach (var expected in new[] { "Api.Tests.csproj", "Gateway.Tests.csproj", "Observability.Tests.csproj", "Deployment.Tests.csproj", "Load.Tests.csproj" })
            Assert.Contains(expected, projects);
        Assert.DoesNotContain("Testing.csproj", projects);
        Assert.DoesNotContain("Platform.Load.csproj", projects);
    }

    [Theory]
    [InlineData("<TestRun><ResultSummary /></TestRun>")]
    [InlineData("not xml <<<")]
    [InlineData("<TestRun><Counters passed=\"many\" /></TestRun>")]
    [InlineData("<TestRun><Counters passed=\"-3\" /></TestRun>")]
    public void A_file_that_is_not_a_test_run_is_refused_rather_than_read_as_zero(string content)
    {
        File.WriteAllText(_results.Combine("odd.trx"), content);
        Assert.Throws<InvalidDataException>(() => TrxCounters.Sum(_results.Path));
    }
}
