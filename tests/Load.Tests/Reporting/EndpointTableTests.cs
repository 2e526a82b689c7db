using Platform.Contracts.Problems;
using Platform.Load.Reporting;
using Platform.Load.Traffic;
using Platform.Load.Workload;

namespace Platform.Load.Tests.Reporting;

public sealed class EndpointTableTests
{
    private static RequestRecord Record(string endpoint, double latency, int status = 200, bool failed = false, string? type = null, string client = "load") =>
        new(0, latency, endpoint, client, status, type, "api-1", failed);

    private static readonly List<RequestRecord> Records =
    [
        Record(Endpoints.Read, 10), Record(Endpoints.Read, 20), Record(Endpoints.Read, 30), Record(Endpoints.Read, 40, 503, true, ProblemTypes.DatabaseUnavailable),
        Record(Endpoints.Create, 100, 201), Record(Endpoints.Create, 200, 0, true, "timeout"),
        Record(Endpoints.CreateOverlap, 50, 409, false, ProblemTypes.DatesUnavailable),
    ];

    [Fact]
    public void Rows_follow_the_endpoint_order_and_end_with_a_total()
    {
        var rows = EndpointTable.Rows(Records, durationMs: 2_000);
        Assert.Equal([Endpoints.Create, Endpoints.CreateOverlap, Endpoints.Read, EndpointTable.Total], rows.Select(r => r.Endpoint));
        var read = rows[2];
        Assert.Equal((4, 1, 0.25), (read.Requests, read.Failures, read.FailureRate));
        Assert.Equal((20.0, 40.0, 40.0), (read.P50, read.P95, read.P99));
        Assert.Equal(2.0, read.Throughput);
        var total = rows[^1];
        Assert.Equal((7, 2, 3.5), (total.Requests, total.Failures, total.Throughput));
        Assert.Equal(40.0, total.P50);
    }

    [Fact]
    public void Markdown_has_exactly_the_report_columns_and_one_line_per_row()
    {
        var lines = EndpointTable.Markdown(EndpointTable.Rows(Records, 1_000)).TrimEnd().Split('\n');
        Assert.Equal("| Endpoint | Requests | Failures | Failure rate | p50 | p95 | p99 | Throughput (req/s) |", lines[0]);
        Assert.Equal(2 + 4, lines.Length);
        Assert.All(lines, l => Assert.Equal(9, l.Count(c => c == '|')));
        Assert.Contains("| **Total** | 7 | 2 | 28.57 % |", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Failures_are_grouped_by_status_and_problem_type_and_expected_answers_are_not_failures()
    {
        List<RequestRecord> records = [.. Records, Record(Endpoints.Availability, 5, 503, true, ProblemTypes.DatabaseUnavailable), Record(Endpoints.Availability, 5, 429, false, ProblemTypes.QuotaExceeded)];
        var groups = FailureGroups.Of(records);
        Assert.Equal([new FailureGroup(503, ProblemTypes.DatabaseUnavailable, 2), new FailureGroup(0, "timeout", 1)], groups);
        var markdown = FailureGroups.Markdown(groups);
        Assert.Contains("| 503 | database-unavailable | 2 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| no answer | timeout | 1 |", markdown, StringComparison.Ordinal);
        Assert.Equal("No failures.\n", FailureGroups.Markdown(FailureGroups.Of([Record(Endpoints.Read, 1)])));
    }
}
