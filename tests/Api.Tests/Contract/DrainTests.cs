using System.Diagnostics;
using System.Net;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>A stopping replica tells load balancers at once but keeps serving through its drain delay.</summary>
public class DrainTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task On_SIGTERM_readiness_fails_at_once_requests_are_served_through_the_drain_delay_then_it_exits()
    {
        await using var replica = await Cluster.StartExtraReplicaAsync(new Dictionary<string, string>
        {
            ["Shutdown__DrainDelay"] = $"{DrainDelay:c}",
        });
        using var client = replica.CreateClient();
        using (var ready = await client.GetAsync("/health/ready", Cancellation))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var clock = Stopwatch.StartNew();
        var stopping = replica.StopAsync(); // SIGTERM, then waits for the exit
        await Eventually.HoldsAsync(async () =>
        {
            using var ready = await client.GetAsync("/health/ready", Cancellation);
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(2));

        using (var ready = await client.GetAsync("/health/ready", Cancellation))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("\"draining\":\"Unhealthy\"", await ready.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        }
        // Still serving, reads and writes alike, while load balancers move away.
        var created = await CreateAsync(NewStay(), client: client);
        Assert.NotNull(created["code"]);
        Assert.True(clock.Elapsed < DrainDelay, $"the checks took {clock.Elapsed}, past the drain delay: the test proves nothing");

        await stopping;
        Assert.True(replica.HasExited);
        Assert.True(clock.Elapsed >= DrainDelay, $"exited after {clock.Elapsed}, before its drain delay of {DrainDelay}");
    }
}
