using Platform.Load.Wrk;

namespace Platform.Load.Tests.Wrk;

/// <summary>The wrk output parser: the bench commands read the BENCH line the Lua scripts print, nothing of wrk's own summary.</summary>
public sealed class BenchLineTests
{
    // What `wrk --latency -s health.lua` prints: its own summary, then the script's BENCH line from done().
    private const string HealthOutput = """
        Running 2s test @ http://127.0.0.1:8080
          1 threads and 16 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     1.21ms  310.15us   9.87ms   91.02%
            Req/Sec    13.02k   402.11    13.51k    80.00%
          Latency Distribution
             50%    1.17ms
             99%    2.30ms
          26051 requests in 2.00s, 5.12MB read
        Requests/sec:  13025.50
        Transfer/sec:      2.56MB
        BENCH requests=26051 duration_s=2.000 rps=13025.5 p50_ms=1.170 p90_ms=1.400 p99_ms=2.300 max_ms=9.87 non2xx=0 statuses=200:26051 socket_errors=0 timeouts=0

        """;

    [Fact]
    public void The_BENCH_line_is_found_among_wrks_summary_and_its_fields_read()
    {
        var line = BenchLine.FromOutput(HealthOutput);

        Assert.NotNull(line);
        Assert.Equal(26051, line.Number("requests"));
        Assert.Equal("13025.5", line.Field("rps"));
        Assert.Equal("1.170", line.Field("p50_ms"));
        Assert.Equal("200:26051", line.Field("statuses"));
        Assert.StartsWith("BENCH requests=26051 ", line.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_BENCH_line_counts_and_CRLF_endings_are_read_as_lines()
    {
        var line = BenchLine.FromOutput("BENCH requests=1 rps=1.0\r\nnoise\r\nBENCH requests=2 rps=2.0\r\n");

        Assert.NotNull(line);
        Assert.Equal(2, line.Number("requests"));
        Assert.Equal("BENCH requests=2 rps=2.0", line.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("unable to connect to 127.0.0.1:1 Connection refused\n")]
    [InlineData("  BENCH requests=5\n")] // not at the start of a line: not the script's
    [InlineData("BENCHMARK requests=5\n")]
    public void Output_without_a_BENCH_line_gives_none(string output) => Assert.Null(BenchLine.FromOutput(output));

    [Fact]
    public void A_missing_or_non_numeric_field_reads_as_zero_and_odd_words_are_ignored()
    {
        var line = BenchLine.Parse("BENCH requests=abc lonely =nokey rps= p99_ms=2.5 a=b=c");

        Assert.Equal(0, line.Number("requests"));
        Assert.Equal(0, line.Number("missing"));
        Assert.Null(line.Field("missing"));
        Assert.Null(line.Field("lonely"));
        Assert.Equal("", line.Field("rps"));
        Assert.Equal(2.5, line.Number("p99_ms"));
        Assert.Equal("b=c", line.Field("a"));
    }

    [Fact]
    public void A_field_added_follows_the_line_and_is_read_back()
    {
        var line = BenchLine.Parse("BENCH requests=10 rps=5.0").With("cpu_us", "12.5");

        Assert.Equal("BENCH requests=10 rps=5.0 cpu_us=12.5", line.Text);
        Assert.Equal(12.5, line.Number("cpu_us"));
    }
}
