using Platform.Cli.TestRuns;
using Platform.Testing;

namespace Platform.Deployment.Tests.Cli;

/// <summary>How <c>./platform test</c> sums the TRX files the test platform writes, and what it does with ones it cannot read.</summary>
public sealed class TrxCountersTests : IDisposable
{
    private readonly ScratchDirectory _results = ScratchDirectory.Create("platform-trx-");

    public void Dispose() => _results.Delete();

    private string Write(string name, string counters)
    {
        var path = _results.Combine(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <ResultSummary outcome="Completed">
                <Counters {counters} />
              </ResultSummary>
            </TestRun>
            """);
        return path;
    }

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
