using System.Net;
using Platform.Contracts.Http;
using Platform.Testing;

namespace Platform.Api.Tests.TestInfrastructure;

public class ApiClusterTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_replicas_start_against_one_fresh_database_and_stop_without_leftovers()
    {
        var cluster = await ApiCluster.StartAsync();
        var processIds = new List<int>();
        try
        {
            Assert.Equal(["api-1", "api-2", "api-3"], cluster.Replicas.Select(replica => replica.Id));
            foreach (var replica in cluster.Replicas)
            {
                using var client = replica.CreateClient();
                using var response = await client.GetAsync(new Uri("/api/v1/health", UriKind.Relative), Cancellation);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(replica.Id, Assert.Single(response.Headers.GetValues(PlatformHeaders.Replica)));

                using var metrics = await client.GetAsync(new Uri(replica.MetricsAddress, "/metrics"), Cancellation);
                Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            }

            // Tests take replicas away in every way; the cluster must still dispose cleanly afterwards.
            var extra = await cluster.StartExtraReplicaAsync(new Dictionary<string, string> { ["Database__MaximumPoolSize"] = "2" });
            Assert.Equal("api-4", extra.Id);
            await extra.StopAsync();
            Assert.True(extra.HasExited);
            await extra.DisposeAsync();
            await cluster.Replicas[2].KillAsync();
            Assert.True(cluster.Replicas[2].HasExited);
        }
        finally
        {
            processIds.AddRange(cluster.Replicas.Select(replica => replica.ProcessId));
            await cluster.DisposeAsync();
        }

        Assert.Equal(4, processIds.Count);
        Assert.All(processIds, processId => Assert.False(MariaDbServerTests.IsRunning(processId), $"replica process {processId} is still running"));
        Assert.False(Directory.Exists(cluster.Database.DataDirectory));
        Assert.False(Directory.Exists(cluster.Redis.DataDirectory));
    }
}
