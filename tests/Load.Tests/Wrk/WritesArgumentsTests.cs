using Platform.Load.Wrk.Writes;

namespace Platform.Load.Tests.Wrk;

/// <summary><c>./platform bench writes</c>'s settings: the bash script's defaults, the replicas from the model, and bad values refused by name.</summary>
public sealed class WritesArgumentsTests
{
    private static readonly Uri[] Replicas = [new("http://127.0.0.1:25001"), new("http://127.0.0.1:25002")];

    private static readonly DateTimeOffset Now = new(2026, 12, 6, 23, 40, 1, TimeSpan.Zero);

    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    private (WritesArguments? Parsed, string? Error) Parse(params string[] args) =>
        WritesArguments.Parse(args, name => _variables.GetValueOrDefault(name), Replicas, "/platform-state/bench", Now);

    [Fact]
    public void Without_settings_the_defaults_apply_against_every_replica_of_the_model()
    {
        var (parsed, error) = Parse();

        Assert.Null(error);
        Assert.NotNull(parsed);
        Assert.Equal((20, 5, 20_000), (parsed.Duration, parsed.Warmup, parsed.DbTransactions));
        Assert.Equal([50, 100], parsed.Concurrencies);
        Assert.Equal(Replicas, parsed.Urls);
        Assert.Equal("/platform-state/bench/20261206-234001", parsed.Results);
        Assert.Equal(16 * ((5 * 20) + 1), parsed.SpanDays);
    }

    [Fact]
    public void The_settings_are_read_and_the_span_covers_the_longer_of_run_and_warm_up()
    {
        _variables["BENCH_DURATION"] = "2";
        _variables["BENCH_WARMUP"] = "30";
        _variables["BENCH_CONCURRENCIES"] = "4 8";
        _variables["BENCH_DB_TRANSACTIONS"] = "200";
        _variables["BENCH_URLS"] = "http://127.0.0.1:25001";
        _variables["BENCH_RESULTS"] = "/reports-out";

        var (parsed, _) = Parse();

        Assert.NotNull(parsed);
        Assert.Equal([4, 8], parsed.Concurrencies);
        Assert.Equal([new Uri("http://127.0.0.1:25001")], parsed.Urls);
        Assert.Equal("/reports-out", parsed.Results);
        Assert.Equal(16 * ((5 * 30) + 1), parsed.SpanDays);
    }

    [Theory]
    [InlineData("BENCH_DURATION", "0", "BENCH_DURATION must be")]
    [InlineData("BENCH_DURATION", "twenty", "BENCH_DURATION must be")]
    [InlineData("BENCH_WARMUP", "-1", "BENCH_WARMUP must be")]
    [InlineData("BENCH_DB_TRANSACTIONS", "0", "BENCH_DB_TRANSACTIONS must be")]
    [InlineData("BENCH_DB_TRANSACTIONS", "1e6", "BENCH_DB_TRANSACTIONS must be")]
    [InlineData("BENCH_CONCURRENCIES", "50 x", "each of BENCH_CONCURRENCIES")]
    [InlineData("BENCH_CONCURRENCIES", "1", "each of BENCH_CONCURRENCIES")] // fewer connections than replicas
    [InlineData("BENCH_CONCURRENCIES", "100000", "each of BENCH_CONCURRENCIES")]
    [InlineData("BENCH_URLS", "http://example.com:80", "BENCH_URLS must be")] // traffic stays on this machine
    [InlineData("BENCH_URLS", "file:///etc/passwd", "BENCH_URLS must be")]
    [InlineData("BENCH_URLS", "127.0.0.1:5001", "BENCH_URLS must be")]
    public void Bad_settings_are_refused_by_name(string name, string value, string message)
    {
        _variables[name] = value;

        var (parsed, error) = Parse();

        Assert.Null(parsed);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_are_refused() => Assert.Contains("no arguments", Parse("--fast").Error, StringComparison.Ordinal);

    [Fact]
    public void No_replica_at_all_is_refused() =>
        Assert.Equal("BENCH_URLS names no replica", WritesArguments.Parse([], _ => null, [], "/platform-state", Now).Error);
}
