using Platform.Load.Wrk;

namespace Platform.Load.Tests.Wrk;

/// <summary>hey at a fixed rate: its command line paces each worker to its share, and its summary reads into a BENCH line.</summary>
public sealed class HeyRunTests
{
    // The summary hey 0.1.4 (Debian 12) prints, trimmed of its histogram, with a 429 and two errors.
    private const string Summary = """

        Summary:
          Total:	15.0021 secs
          Slowest:	0.0213 secs
          Fastest:	0.0003 secs
          Average:	0.0009 secs
          Requests/sec:	1999.9200

        Response time histogram:
          0.000 [1]	|
          0.002 [29000]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■

        Latency distribution:
          10% in 0.0005 secs
          50% in 0.0008 secs
          99% in 0.0031 secs

        Status code distribution:
          [200]	29995 responses
          [429]	3 responses

        Error distribution:
          [2]	Get "http://127.0.0.1:18080/api/v1/health": dial tcp 127.0.0.1:18080: connect: connection refused

        """;

    [Fact]
    public void Each_worker_is_paced_to_its_share_of_the_rate()
    {
        var hey = new HeyRun(new Uri("http://127.0.0.1:18080/api/v1/health"), Connections: 32, Rate: 2000, Seconds: 15);

        Assert.Equal(["-z", "15s", "-c", "32", "-q", "62.5", "-t", "5", "-A", "application/json", "http://127.0.0.1:18080/api/v1/health"], hey.Arguments());
    }

    [Fact]
    public void The_summary_reads_into_the_fields_wrk_s_scripts_print()
    {
        var line = HeyRun.Summary(Summary.ReplaceLineEndings("\n"));

        Assert.NotNull(line);
        Assert.Equal(30000, line.Number("requests"));
        Assert.Equal(1999.7, line.Number("rps"), precision: 1);
        Assert.Equal((0.8, 3.1), (line.Number("p50_ms"), line.Number("p99_ms")));
        Assert.Equal((3, 2), (line.Number("non2xx"), line.Number("socket_errors")));
        Assert.Equal("200:29995,429:3", line.Field("statuses"));
    }

    [Fact]
    public void Output_without_a_summary_is_no_line() =>
        Assert.Null(HeyRun.Summary("Get http://127.0.0.1:1/: dial tcp: connection refused\n"));
}
