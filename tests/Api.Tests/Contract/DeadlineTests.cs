using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;
using Platform.Topology.Faults;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// X-Request-Deadline on the replica (docs/deadlines.md): read strictly, stale requests refused at
/// once, and work cut off when the deadline passes, against a real MariaDB under a real global read lock.
/// </summary>
public class DeadlineTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    // "No hang": generous beside the deadlines these tests set, never a speed claim.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("-1")]
    [InlineData("+1764590400123")]
    [InlineData("1764590400123.0")]
    [InlineData("1e13")]
    [InlineData("0")]
    [InlineData("12,34")]
    [InlineData("99999999999999999999999999999999")]
    [InlineData("1764590400")] // seconds, not milliseconds
    public async Task A_malformed_deadline_is_a_400_problem_and_the_create_is_not_made(string value)
    {
        var phone = ReservationRequest.NewPhone();
        using var response = await SendAsync(Client(), Create(Body(NewStay(), phone), value));
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MalformedRequest);
        Assert.Contains(PlatformHeaders.RequestDeadline, (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
    }

    [Fact]
    public async Task A_deadline_in_microseconds_or_a_day_away_is_malformed_not_capped()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var value in new[] { now * 1000, now + (long)TimeSpan.FromDays(2).TotalMilliseconds, now - (long)TimeSpan.FromDays(2).TotalMilliseconds })
        {
            using var response = await SendAsync(Client(), Read(value.ToString(CultureInfo.InvariantCulture)));
            await ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MalformedRequest);
        }
    }

    [Fact]
    public async Task Two_deadline_header_lines_are_a_400_problem()
    {
        // HttpClient folds repeated values into one line; a raw request sends two lines as a hostile or broken proxy would.
        var deadline = Epoch(DateTimeOffset.UtcNow.AddSeconds(5));
        var replica = Cluster.Replicas[0].BaseAddress;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(replica.Host, replica.Port, Cancellation);
        await using var stream = tcp.GetStream();
        var request = $"GET /api/v1/accommodations/1/availability?from=2030-01-01&to=2030-01-02 HTTP/1.1\r\nHost: {replica.Authority}\r\n"
                      + $"{PlatformHeaders.RequestDeadline}: {deadline}\r\n{PlatformHeaders.RequestDeadline}: {deadline}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Cancellation);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync(Cancellation);
        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains(ProblemTypes.MalformedRequest, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deadline_already_passed_is_a_504_at_once_with_nothing_done_and_is_counted_as_shed()
    {
        var replica = Cluster.Replicas[1];
        var phone = ReservationRequest.NewPhone();
        var before = await CounterAsync(replica, "api_requests_shed_total", "class=\"write\",reason=\"deadline\"");

        using var response = await SendAsync(Client(1), Create(Body(NewStay(), phone), Epoch(DateTimeOffset.UtcNow.AddSeconds(-2))));
        await ExpectProblemAsync(response, HttpStatusCode.GatewayTimeout, ProblemTypes.DeadlineExceeded);
        Assert.True(RetryAfter(response) >= 1);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
        Assert.Equal(before + 1, await CounterAsync(replica, "api_requests_shed_total", "class=\"write\",reason=\"deadline\""));

        using var read = await SendAsync(Client(1), Read(Epoch(DateTimeOffset.UtcNow.AddMilliseconds(-1))));
        await ExpectProblemAsync(read, HttpStatusCode.GatewayTimeout, ProblemTypes.DeadlineExceeded);
    }

    [Fact]
    public async Task A_deadline_within_reach_is_honoured_and_liveness_and_readiness_ignore_the_header()
    {
        using var create = await SendAsync(Client(), Create(Body(NewStay()), Epoch(DateTimeOffset.UtcNow.AddSeconds(10))));
        await ExpectAsync(create, HttpStatusCode.Created);
        foreach (var path in new[] { "/api/v1/health", "/health/ready" })
        {
            var probe = new HttpRequestMessage(HttpMethod.Get, path);
            probe.Headers.TryAddWithoutValidation(PlatformHeaders.RequestDeadline, "garbage");
            using var answer = await SendAsync(Client(), probe);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
    }

    [Fact]
    public async Task A_create_cut_off_by_its_deadline_under_a_global_read_lock_leaves_nothing_and_its_retry_creates_it_once()
    {
        var replica = Cluster.Replicas[2];
        var client = Client(2);
        var stay = NewStay();
        var phone = ReservationRequest.NewPhone();
        var body = Body(stay, phone);
        var key = $"deadline-{Guid.NewGuid():N}";
        var exceededBefore = await CounterAsync(replica, "api_deadline_exceeded_total", "class=\"write\"");

        await using (await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation))
        {
            var budget = TimeSpan.FromMilliseconds(1500);
            var clock = Stopwatch.StartNew();
            using (var cutOff = await SendAsync(client, Create(body, Epoch(DateTimeOffset.UtcNow + budget), key)))
            {
                await ExpectProblemAsync(cutOff, HttpStatusCode.GatewayTimeout, ProblemTypes.DeadlineExceeded);
                Assert.True(RetryAfter(cutOff) >= 1);
            }
            Assert.True(clock.Elapsed < budget + Slack, $"answered after {clock.Elapsed}");

            // Still under the lock (plain reads pass it): nothing of the create is there, and the server
            // is not still running its statement.
            Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE idempotency_key = @key OR guest_phone = @phone", new { key, phone }));
            Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservation_nights WHERE accommodation_id = @AccommodationId AND night >= @from AND night < @to",
                new { stay.AccommodationId, from = stay.CheckIn.ToDateTime(TimeOnly.MinValue), to = stay.CheckOut.ToDateTime(TimeOnly.MinValue) }));
            // The payload is JSON, where the phone's "+" is escaped: match its digits.
            Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM outbox WHERE payload LIKE @pattern", new { pattern = $"%{phone[1..]}%" }));
            Assert.True(await Eventually.HoldsAsync(NoInsertWaitingAsync, TimeSpan.FromSeconds(1)),
                "the cut-off INSERT is still waiting on the server");
        }
        Assert.Equal(exceededBefore + 1, await CounterAsync(replica, "api_deadline_exceeded_total", "class=\"write\""));

        using (var retry = await SendAsync(client, Create(body, deadline: null, key)))
        {
            var created = await ExpectAsync(retry, HttpStatusCode.Created);
            Assert.False(retry.Headers.Contains(PlatformHeaders.IdempotentReplayed), "the cut-off create must not have been stored");
            Assert.Equal(phone, (string)created["guestPhone"]!);
        }
        using (var again = await SendAsync(client, Create(body, deadline: null, key)))
        {
            await ExpectAsync(again, HttpStatusCode.Created);
            Assert.Equal("true", again.Headers.GetValues(PlatformHeaders.IdempotentReplayed).Single());
        }
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE idempotency_key = @key", new { key }));
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id WHERE r.idempotency_key = @key", new { key }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox WHERE payload LIKE @pattern", new { pattern = $"%{phone[1..]}%" }));
    }

    [Fact]
    public async Task A_client_that_goes_away_mid_write_gets_no_answer_its_write_is_rolled_back_and_no_deadline_is_counted()
    {
        var replica = Cluster.Replicas[0];
        var phone = ReservationRequest.NewPhone();
        var exceededBefore = await CounterAsync(replica, "api_deadline_exceeded_total", "class=\"write\"");
        await using (await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation))
        {
            using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                Client(0).SendAsync(Create(Body(NewStay(), phone), Epoch(DateTimeOffset.UtcNow.AddSeconds(20))), impatient.Token));
            // The abort reaches the server long before the 20 s deadline: the INSERT stops waiting.
            Assert.True(await Eventually.HoldsAsync(NoInsertWaitingAsync, TimeSpan.FromSeconds(3)), "the abandoned INSERT is still waiting on the server");
        }
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
        Assert.Equal(exceededBefore, await CounterAsync(replica, "api_deadline_exceeded_total", "class=\"write\""));
    }

    [Fact]
    public async Task A_frozen_replicas_write_is_stopped_by_the_server_itself_at_the_deadline()
    {
        await using var replica = await Cluster.StartExtraReplicaAsync();
        using var client = replica.CreateClient();
        await CreateAsync(NewStay(), client: client);
        var phone = ReservationRequest.NewPhone();

        Task<HttpResponseMessage> answer;
        await using (await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation))
        {
            answer = SendAsync(client, Create(Body(NewStay(), phone), Epoch(DateTimeOffset.UtcNow.AddMilliseconds(1500))));
            Assert.True(await Eventually.HoldsAsync(async () => !await NoInsertWaitingAsync(), TimeSpan.FromSeconds(1)), "the create never reached the lock");
            // Frozen (as by a GC pause or a stopped container), the replica cannot cancel its statement:
            // only the max_statement_time it sent with the batch can end it.
            using (await ProcessFreeze.BeginAsync(replica.ProcessId, Cancellation))
            {
                Assert.True(await Eventually.HoldsAsync(NoInsertWaitingAsync, TimeSpan.FromMilliseconds(1500) + Slack),
                    "the server kept the frozen replica's INSERT waiting past its deadline");
            }
        }
        using (var late = await answer)
            await ExpectProblemAsync(late, HttpStatusCode.GatewayTimeout, ProblemTypes.DeadlineExceeded);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
    }

    [Fact]
    public async Task A_statement_killed_by_an_operator_before_the_deadline_is_a_503_not_a_deadline()
    {
        var phone = ReservationRequest.NewPhone();
        Task<HttpResponseMessage> answer;
        await using (await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation))
        {
            answer = SendAsync(Client(1), Create(Body(NewStay(), phone), Epoch(DateTimeOffset.UtcNow.AddSeconds(20))));
            Assert.True(await Eventually.HoldsAsync(async () => !await NoInsertWaitingAsync(), TimeSpan.FromSeconds(2)), "the create never reached the lock");
            var thread = await QueryScalarAsync<long>(
                "SELECT id FROM information_schema.processlist WHERE user = 'platform' AND info LIKE '%INSERT INTO reservations%' LIMIT 1");
            await using var root = await Fixture.OpenRootAsync();
            await Dapper.SqlMapper.ExecuteAsync(root, $"KILL QUERY {thread}");
            using var killed = await answer;
            await ExpectProblemAsync(killed, HttpStatusCode.ServiceUnavailable, ProblemTypes.DatabaseUnavailable);
            Assert.True(RetryAfter(killed) >= 1);
        }
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
    }

    [Fact]
    public async Task A_deadline_beyond_the_maximum_is_capped_there_for_creates_and_confirms()
    {
        await using var replica = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string>
        {
            ["Deadlines__Default"] = "00:00:01",
            ["Deadlines__Maximum"] = "00:00:01",
        });
        using var client = replica.CreateClient();
        // A fresh process's first create (JIT, new connections) may itself need more than the 1 s it is allowed.
        string? code = null;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            using var warm = await PostAsync(client, Body(NewStay()));
            if (warm.StatusCode == HttpStatusCode.Created)
                code = (string)(await ExpectAsync(warm, HttpStatusCode.Created))["code"]!;
            return code is not null;
        }, TimeSpan.FromSeconds(20)), "the replica never created within its 1 s deadline");

        await using var stall = await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation);
        var far = Epoch(DateTimeOffset.UtcNow.AddSeconds(20));
        var clock = Stopwatch.StartNew();
        using (var create = await SendAsync(client, Create(Body(NewStay()), far)))
            await ExpectProblemAsync(create, HttpStatusCode.GatewayTimeout, ProblemTypes.DeadlineExceeded);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1) + Slack, $"create answered after {clock.Elapsed}");

        clock.Restart();
        var confirm = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/reservations/{code}/confirm");
        confirm.Headers.TryAddWithoutValidation(PlatformHeaders.RequestDeadline, far);
        using (var confirmed = await SendAsync(client, confirm))
            await ExpectProblemAsync(confirmed, HttpStatusCode.GatewayTimeout, ProblemTypes.DeadlineExceeded);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1) + Slack, $"confirm answered after {clock.Elapsed}");
        Assert.Equal("pre_reserved", await QueryScalarAsync<string>("SELECT status FROM reservations WHERE code = @code", new { code }));
    }

    private async Task<bool> NoInsertWaitingAsync() =>
        await CountAsync("SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'platform' AND info LIKE '%INSERT INTO reservations%'") == 0;

    private static HttpRequestMessage Create(JsonNode body, string? deadline, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (deadline is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestDeadline, deadline);
        if (idempotencyKey is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.IdempotencyKey, idempotencyKey);
        return request;
    }

    private static HttpRequestMessage Read(string deadline)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/accommodations/1/availability?from=2030-01-01&to=2030-01-05");
        request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestDeadline, deadline);
        return request;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
            return await client.SendAsync(request, Cancellation);
    }

    internal static string Epoch(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    internal static int RetryAfter(HttpResponseMessage response) =>
        int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);

    /// <summary>A counter's value on the replica's /metrics; the series must exist (published at 0).</summary>
    internal static async Task<double> CounterAsync(ApiReplica replica, string name, string labels)
    {
        var value = PrometheusText.Value(await replica.ReadMetricsAsync(Cancellation), name, labels);
        Assert.True(value is not null, $"no series {name}{{{labels}}} on {replica.Id}");
        return value.Value;
    }
}
