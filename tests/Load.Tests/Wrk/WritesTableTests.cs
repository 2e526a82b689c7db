using Platform.Load.Wrk;
using Platform.Load.Wrk.Writes;

namespace Platform.Load.Tests.Wrk;

/// <summary>The writes bench's rows from canned BENCH lines and mariadb-slap output, and its tables in the columns BENCHMARKS.md records.</summary>
public sealed class WritesTableTests
{
    private static BenchLine Line(string rps, string p50, string p99, string statuses, int non2xx = 0, int errors = 0) =>
        BenchLine.Parse($"BENCH requests=100 duration_s=20.000 rps={rps} p50_ms={p50} p95_ms=5.00 p99_ms={p99} max_ms=50.00 non2xx={non2xx} "
            + $"statuses={statuses} socket_errors={errors} timeouts=1 sent=101 first_day=0 last_day=3 overflow=0");

    [Fact]
    public void Parallel_runs_merge_into_summed_rates_and_counts_and_the_worst_percentiles()
    {
        var row = WritesRow.Merge([Line("100.25", "3.10", "20.00", "201:90,409:10", non2xx: 10), Line("200.5", "2.90", "25.50", "201:95,503:5", non2xx: 5, errors: 2)]);

        Assert.Equal(new WritesRow("300.8", "3.10", "5.00", "25.50", "15", "201:185,409:10,503:5", "4"), row);
    }

    [Theory]
    [InlineData(new[] { "-", "-" }, "-")]
    [InlineData(new[] { "201:3", "-", "201:4,401:1" }, "201:7,401:1")]
    [InlineData(new[] { "503:1,201:2", "junk,409:x" }, "201:2,503:1")]
    public void Statuses_add_up_per_status(string[] lists, string expected) => Assert.Equal(expected, WritesRow.MergeStatuses(lists));

    [Theory]
    [InlineData("201:90,409:10", 90)]
    [InlineData("401:5", 0)]
    [InlineData("-", 0)]
    public void Creates_are_the_201s(string statuses, long expected) => Assert.Equal(expected, WritesRow.Created(statuses));

    [Fact]
    public void One_run_gives_its_row_with_socket_errors_and_timeouts_together() =>
        Assert.Equal(new WritesRow("100.0", "3.00", "5.00", "9.00", "0", "201:100", "3"), WritesRow.From(Line("100.0", "3.00", "9.00", "201:100", errors: 2)));

    [Fact]
    public void The_tables_have_the_scenarios_per_concurrency_and_the_ratios()
    {
        var rows = new Dictionary<(string, int), WritesRow>
        {
            [(WritesTable.OneReplica, 50)] = WritesRow.From(Line("1000.0", "3.00", "9.00", "201:20000")),
            [(WritesTable.All, 50)] = WritesRow.Merge([Line("800.0", "4.00", "12.00", "201:16000"), Line("900.0", "4.50", "13.00", "201:18000")]),
            [(WritesTable.DbStatements, 50)] = WritesRow.Transactions("2000.0"),
            [(WritesTable.DbBatch, 50)] = WritesRow.Transactions("4000.0"),
        };

        var table = WritesTable.Render([50], replicas: 2, rows);

        Assert.Equal(
            """
            | scenario | concurrency | req/s (tx/s) | p50 ms | p95 ms | p99 ms | non-2xx | statuses | socket errors/timeouts |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |
            | API, 1 replica (wrk -t2 -c50) | 50 | 1000.0 | 3.00 | 5.00 | 9.00 | 0 | 201:20000 | 1 |
            | API, 2 replicas (2 × wrk -t1, 50 conns in all; worst p of 2) | 50 | 1700.0 | 4.50 | 5.00 | 13.00 | 0 | 201:34000 | 2 |
            | MariaDB ceiling, 6 statements = 6 round trips (mariadb-slap) | 50 | 2000.0 | - | - | - | 0 | - | 0 |
            | MariaDB ceiling, one batch = 1 round trip, as the API sends it | 50 | 4000.0 | - | - | - | 0 | - | 0 |

            | concurrency | 2 replicas / 1 replica | 1 replica / DB batch | 2 replicas / DB batch | 2 replicas / DB statements |
            | ---: | ---: | ---: | ---: | ---: |
            | 50 | 1.70 | 0.25 | 0.42 | 0.85 |

            """.ReplaceLineEndings("\n"),
            table);
    }

    [Fact]
    public void A_missing_row_leaves_its_cells_empty_and_its_ratios_a_dash()
    {
        var table = WritesTable.Render([4], replicas: 1, new Dictionary<(string, int), WritesRow>());

        Assert.Contains("| API, 1 replica (wrk -t2 -c4) | 4 |  |  |  |  |  |  |  |", table, StringComparison.Ordinal);
        Assert.EndsWith("| 4 | - | - | - | - |\n", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Mariadb_slaps_timing_is_read_from_its_output()
    {
        const string output = """
            Benchmark
            	Average number of seconds to run all queries: 1.234 seconds
            	Minimum number of seconds to run all queries: 1.234 seconds
            	Number of clients running queries: 50
            """;

        Assert.Equal(1.234, SlapRun.Seconds(output));
        Assert.Null(SlapRun.Seconds("mariadb-slap: Error when connecting to server"));
    }

    [Fact]
    public void Mariadb_slap_runs_whole_transactions_per_client_by_statement_or_as_one_batch()
    {
        Assert.Equal(3, SlapRun.PerClient(201, 100));
        var statements = SlapRun.Arguments("/s/mariadb.sock", "/q.sql", batch: false, concurrency: 100, transactions: 201);
        var batch = SlapRun.Arguments("/s/mariadb.sock", "/b.sql", batch: true, concurrency: 100, transactions: 201);

        Assert.Contains("--number-of-queries=1800", statements);
        Assert.Contains("--delimiter=;", statements);
        Assert.Contains("--number-of-queries=300", batch);
        Assert.Contains("--delimiter=$$", batch);
        Assert.Contains("--socket=/s/mariadb.sock", batch);
        Assert.Equal("START TRANSACTION; COMMIT;", SlapRun.Batch("START TRANSACTION;\nCOMMIT;"));
    }

    [Fact]
    public void The_replicas_overrides_are_only_the_runtime_and_pool_settings_sorted()
    {
        Assert.Equal("DOTNET_GCgen0size=1 DOTNET_TieredPGO=0 Database__MaximumPoolSize=50",
            WritesSetup.Overrides(["PATH=/bin", "Database__MaximumPoolSize=50", "ConnectionStrings__Default=secret", "DOTNET_TieredPGO=0", "DOTNET_GCgen0size=1"]));
        Assert.Null(WritesSetup.Overrides(["PATH=/bin", ""]));
    }

    [Fact]
    public void Log_lines_are_counted_by_level() =>
        Assert.Equal(2, WritesAudit.CountLevel("{\"LogLevel\":\"Error\"}\n{\"LogLevel\":\"Warning\"}\n{\"LogLevel\":\"Error\",\"x\":1}\n", "Error"));
}
