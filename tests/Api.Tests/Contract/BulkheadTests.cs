using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Dapper;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;
using Platform.Topology.Faults;
using Platform.Topology.Services;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// A write stall must not take reads down: writes hold only their share of the pool, reads have theirs,
/// and what does not fit is shed at once. Proven against the real database under a real global read
/// lock (a backup's) and a real table lock.
/// </summary>
public class BulkheadTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    // Generous "no hang" bound on top of a deadline, not a speed claim.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Reads_keep_answering_200_while_more_creates_than_the_writers_share_are_stuck_behind_a_global_read_lock()
    {
        // Defaults: pool 30, writers 20, readers 10.
        await using var replica = await Cluster.StartExtraReplicaAsync();
        using var client = replica.CreateClient();
        var code = (string)(await CreateAsync(NewStay(), client: client))["code"]!;
        var shedBefore = await DeadlineTests.CounterAsync(replica, "api_requests_shed_total", "class=\"write\",reason=\"capacity\"");
        var exceededBefore = await DeadlineTests.CounterAsync(replica, "api_deadline_exceeded_total", "class=\"write\"");

        await using var stall = await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation);
        var creates = Enumerable.Range(0, 30).Select(_ => TimedAsync(() => PostAsync(client, Body(NewStay())))).ToList();
        // Reads start once the writers' share is stuck on the server.
        Assert.True(await Eventually.HoldsAsync(async () => await stall.WaitingAsync(MariaDbService.AppUser, cancellationToken: Cancellation) >= 20, TimeSpan.FromSeconds(2)),
            "the creates never reached the lock");

        var reads = new ConcurrentBag<(HttpStatusCode Status, TimeSpan Took)>();
        var readersUntil = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(async reader =>
        {
            while (DateTime.UtcNow < readersUntil)
            {
                var (status, took) = await TimedAsync(() => reader % 2 == 0
                    ? client.GetAsync($"/api/v1/reservations/{code}", Cancellation)
                    : client.GetAsync("/api/v1/accommodations/7/availability?from=2030-01-01&to=2030-02-01", Cancellation));
                reads.Add((status, took));
            }
        }));
        var answered = await Task.WhenAll(creates);

        Assert.NotEmpty(reads);
        Assert.All(reads, read => Assert.Equal(HttpStatusCode.OK, read.Status));
        Assert.All(reads, read => Assert.True(read.Took < Slack, $"a read took {read.Took}"));
        Assert.All(answered, create => Assert.True(create.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
            $"a create under the lock answered {(int)create.Status}"));
        Assert.All(answered, create => Assert.True(create.Took < Deadline + Slack, $"a create took {create.Took}"));
        var shed = answered.Count(a => a.Status == HttpStatusCode.ServiceUnavailable);
        var exceeded = answered.Count(a => a.Status == HttpStatusCode.GatewayTimeout);
        Assert.Equal(10, shed);
        Assert.Equal(20, exceeded);
        Assert.Equal(shedBefore + shed, await DeadlineTests.CounterAsync(replica, "api_requests_shed_total", "class=\"write\",reason=\"capacity\""));
        Assert.Equal(exceededBefore + exceeded, await DeadlineTests.CounterAsync(replica, "api_deadline_exceeded_total", "class=\"write\""));
    }

    [Fact]
    public async Task A_create_beyond_the_writers_share_is_shed_at_once_as_a_503_problem_with_retry_after()
    {
        await using var replica = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string> { ["Bulkheads__Writers"] = "2" });
        using var client = replica.CreateClient();
        await CreateAsync(NewStay(), client: client);

        await using var stall = await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation);
        var stuckPhone = ReservationRequest.NewPhone();
        var stuck = new[] { PostAsync(client, Body(NewStay(), stuckPhone)), PostAsync(client, Body(NewStay(), stuckPhone)) };
        Assert.True(await Eventually.HoldsAsync(async () => await stall.WaitingAsync(MariaDbService.AppUser, stuckPhone, Cancellation) >= 2, TimeSpan.FromSeconds(2)), "the creates never reached the lock");

        var phone = ReservationRequest.NewPhone();
        var clock = Stopwatch.StartNew();
        using (var shed = await PostAsync(client, Body(NewStay(), phone)))
        {
            await ExpectProblemAsync(shed, HttpStatusCode.ServiceUnavailable, ProblemTypes.TemporaryReducedCapacity);
            Assert.True(DeadlineTests.RetryAfter(shed) >= 1);
        }
        Assert.True(clock.Elapsed < Slack, $"the shed create took {clock.Elapsed}");
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
        foreach (var response in await Task.WhenAll(stuck))
        {
            await ExpectProblemAsync(response, HttpStatusCode.GatewayTimeout, ProblemTypes.DeadlineExceeded);
            response.Dispose();
        }
    }

    [Fact]
    public async Task Guests_stuck_on_their_share_of_the_writes_leave_keyed_clients_the_rest()
    {
        await using var replica = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string>
        {
            ["Bulkheads__Writers"] = "3",
            ["Bulkheads__AnonymousWriters"] = "1",
        });
        using var keyed = replica.CreateClient();
        // A guest without quotas of its own: only the write share can refuse it here.
        using var guest = replica.CreateClient("anonymous", TestIdentity.Create, TestIdentity.AnonymousHolder("203.0.113.9"), TestIdentity.Limits());
        await CreateAsync(NewStay(), client: keyed);

        await using var stall = await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation);
        var stuckPhone = ReservationRequest.NewPhone();
        var stuckGuest = PostAsync(guest, Body(NewStay(), stuckPhone));
        Assert.True(await Eventually.HoldsAsync(async () => await stall.WaitingAsync(MariaDbService.AppUser, stuckPhone, Cancellation) >= 1, TimeSpan.FromSeconds(2)),
            "the guest's create never reached the lock");

        // The guests' one slot is taken: the next guest is refused at once, as the guests' own 429 (not
        // the replica's 503), though the writers' share has two left.
        var phone = ReservationRequest.NewPhone();
        using (var shed = await PostAsync(guest, Body(NewStay(), phone)))
        {
            await ExpectProblemAsync(shed, HttpStatusCode.TooManyRequests, ProblemTypes.AnonymousWritesBusy);
            Assert.True(DeadlineTests.RetryAfter(shed) >= 1);
        }
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));

        // Keyed clients still get the writers' other two slots: they reach the lock and wait there.
        var keyedPhone = ReservationRequest.NewPhone();
        var stuckKeyed = new[] { PostAsync(keyed, Body(NewStay(), keyedPhone)), PostAsync(keyed, Body(NewStay(), keyedPhone)) };
        Assert.True(await Eventually.HoldsAsync(async () => await stall.WaitingAsync(MariaDbService.AppUser, keyedPhone, Cancellation) >= 2, TimeSpan.FromSeconds(2)),
            "keyed creates were not admitted beside the stuck guest");
        // And now the writers' share is full for everyone: the replica's own 503.
        using (var full = await PostAsync(keyed, Body(NewStay())))
            await ExpectProblemAsync(full, HttpStatusCode.ServiceUnavailable, ProblemTypes.TemporaryReducedCapacity);
        foreach (var response in await Task.WhenAll([stuckGuest, .. stuckKeyed]))
            response.Dispose();
    }

    [Fact]
    public async Task Adaptive_writers_once_writes_are_seen_to_stall_shed_new_ones_at_once_instead_of_letting_them_wait()
    {
        await using var replica = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string>
        {
            ["Bulkheads__Writers"] = "4",
            ["Bulkheads__AdaptiveWriters"] = "true",
        });
        using var client = replica.CreateClient();
        await CreateAsync(NewStay(), client: client);

        await using var stall = await DatabaseStall.BeginAsync(Cluster.Database.RootConnectionString, TimeSpan.FromSeconds(30), Cancellation);
        // Four writes fill the share and wait out their deadline: four slow completions, 4 x 0.9^4 = 2.6.
        var first = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TimedAsync(() => PostDeadlineAsync(client, TimeSpan.FromSeconds(1.5)))));
        Assert.All(first, create => Assert.Equal(HttpStatusCode.GatewayTimeout, create.Status));

        var second = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TimedAsync(() => PostDeadlineAsync(client, TimeSpan.FromSeconds(1.5)))));
        Assert.Equal(2, second.Count(create => create.Status == HttpStatusCode.ServiceUnavailable));
        Assert.Equal(2, second.Count(create => create.Status == HttpStatusCode.GatewayTimeout));
        Assert.All(second.Where(create => create.Status == HttpStatusCode.ServiceUnavailable), shed => Assert.True(shed.Took < Slack, $"a shed create took {shed.Took}"));

        using var read = await client.GetAsync("/api/v1/accommodations/3/availability?from=2030-01-01&to=2030-01-05", Cancellation);
        await ExpectAsync(read, HttpStatusCode.OK);
    }

    private static Task<HttpResponseMessage> PostDeadlineAsync(HttpClient client, TimeSpan budget)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations")
        {
            Content = new StringContent(Body(NewStay()).ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(PlatformHeaders.RequestDeadline, DeadlineTests.Epoch(DateTimeOffset.UtcNow + budget));
        return client.SendAsync(request, Cancellation);
    }

    [Fact]
    public async Task Reads_beyond_the_readers_share_are_shed_at_once_and_stuck_reads_end_at_their_deadline()
    {
        await using var replica = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string> { ["Bulkheads__Readers"] = "3" });
        using var client = replica.CreateClient();
        var code = (string)(await CreateAsync(NewStay(), client: client))["code"]!;
        var shedBefore = await DeadlineTests.CounterAsync(replica, "api_requests_shed_total", "class=\"read\",reason=\"capacity\"");

        // A table lock held for writing blocks even plain reads of the table: three reads get stuck.
        await using var holder = await Fixture.OpenRootAsync();
        await holder.ExecuteAsync("LOCK TABLES reservations WRITE");
        try
        {
            var stuck = Enumerable.Range(0, 3).Select(_ => TimedAsync(() => client.GetAsync($"/api/v1/reservations/{code}", Cancellation))).ToList();
            Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(
                "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'platform' AND state LIKE 'Waiting for table metadata lock'") >= 3,
                TimeSpan.FromSeconds(2)), "the reads never reached the lock");

            var clock = Stopwatch.StartNew();
            using (var shed = await client.GetAsync($"/api/v1/reservations/{code}", Cancellation))
            {
                await ExpectProblemAsync(shed, HttpStatusCode.ServiceUnavailable, ProblemTypes.TemporaryReducedCapacity);
                Assert.True(shed.Headers.Contains("Retry-After"));
            }
            Assert.True(clock.Elapsed < Slack, $"the shed read took {clock.Elapsed}");
            // Writes have their own share: a confirm is not shed by the reads (it waits for the lock too, and ends at its deadline).
            using (var confirm = await client.PostAsync($"/api/v1/reservations/{code}/confirm", null, Cancellation))
                await ExpectProblemAsync(confirm, HttpStatusCode.GatewayTimeout, ProblemTypes.DeadlineExceeded);

            foreach (var (status, took) in await Task.WhenAll(stuck))
            {
                Assert.Equal(HttpStatusCode.GatewayTimeout, status);
                Assert.True(took < Deadline + Slack, $"a stuck read took {took}");
            }
        }
        finally
        {
            await holder.ExecuteAsync("UNLOCK TABLES");
        }
        Assert.Equal(shedBefore + 1, await DeadlineTests.CounterAsync(replica, "api_requests_shed_total", "class=\"read\",reason=\"capacity\""));
        using var after = await client.GetAsync($"/api/v1/reservations/{code}", Cancellation);
        await ExpectAsync(after, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Operators_beyond_the_back_office_share_wait_for_a_slot_as_many_again_never_past_their_deadline_and_one_more_is_shed()
    {
        await using var replica = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string> { ["Database__BackOfficePoolSize"] = "2" });
        using var admin = replica.CreateClient(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        const string search = "/api/v1/admin/reservations?status=confirmed&limit=5";
        using (var before = await admin.GetAsync(search, Cancellation))
            await ExpectAsync(before, HttpStatusCode.OK);

        // A table lock held for writing blocks the searches: two take the share's slots, two wait for one.
        await using var holder = await Fixture.OpenRootAsync();
        await holder.ExecuteAsync("LOCK TABLES reservations WRITE");
        try
        {
            var stuck = Enumerable.Range(0, 2).Select(_ => TimedAsync(() => admin.GetAsync(search, Cancellation))).ToList();
            Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(
                "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'platform' AND state LIKE 'Waiting for table metadata lock'") >= 2,
                TimeSpan.FromSeconds(2)), "the searches never reached the lock");
            var queued = Enumerable.Range(0, 2).Select(_ => TimedAsync(() => admin.GetAsync(search, Cancellation))).ToList();
            await Task.Delay(TimeSpan.FromMilliseconds(200), Cancellation);

            var clock = Stopwatch.StartNew();
            using (var shed = await admin.GetAsync(search, Cancellation))
                await ExpectProblemAsync(shed, HttpStatusCode.ServiceUnavailable, ProblemTypes.TemporaryReducedCapacity);
            Assert.True(clock.Elapsed < Slack, $"the shed search took {clock.Elapsed}");

            // The queued ones never got a slot before their deadline, and were not kept past it.
            foreach (var (status, took) in await Task.WhenAll(stuck.Concat(queued)))
            {
                Assert.Equal(HttpStatusCode.GatewayTimeout, status);
                Assert.True(took < Deadline + Slack, $"a search took {took}");
            }
        }
        finally
        {
            await holder.ExecuteAsync("UNLOCK TABLES");
        }
        using var after = await admin.GetAsync(search, Cancellation);
        await ExpectAsync(after, HttpStatusCode.OK);
    }

    private static async Task<(HttpStatusCode Status, TimeSpan Took)> TimedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        using var response = await send();
        await response.Content.LoadIntoBufferAsync(Cancellation);
        return (response.StatusCode, clock.Elapsed);
    }
}
