using Platform.Testing;
using Platform.Topology.Files;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>Proxy:DestinationsFile is watched: replicas join and leave rotation without a restart.</summary>
public class DestinationsReloadTests(GatewayFixture fixture) : SharedGatewayTest(fixture)
{
    private static readonly TimeSpan Reload = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Rewriting_the_destinations_file_adds_and_removes_replicas_while_running()
    {
        var directory = ScratchDirectory.Create("platform-gateway-");
        try
        {
            var file = directory.Combine("destinations.json");
            var replicas = Cluster.Replicas;
            DestinationsFile.Write(file, GatewayProcess.DestinationsOf(replicas.Take(2)));
            await using var gateway = await GatewayProcess.StartAsync(
                new Dictionary<string, Uri>(), new Dictionary<string, string> { ["Proxy__DestinationsFile"] = file });
            var client = ClientFor(gateway);

            var before = await CountReplicasAsync(client, 10);
            Assert.Equal(["api-1", "api-2"], before.Keys.Order());

            DestinationsFile.Write(file, GatewayProcess.DestinationsOf(replicas));
            Assert.True(await Eventually.HoldsAsync(async () => (await CountReplicasAsync(client, 3)).ContainsKey("api-3"), Reload),
                $"api-3 never answered after it was added:{Environment.NewLine}{gateway.Output}");
            var process = gateway.ProcessId;

            DestinationsFile.Write(file, GatewayProcess.DestinationsOf(replicas.Take(1)));
            Assert.True(await Eventually.HoldsAsync(async () => (await CountReplicasAsync(client, 6)).Keys.SequenceEqual(["api-1"]), Reload),
                $"api-2 and api-3 kept answering after they were removed:{Environment.NewLine}{gateway.Output}");
            Assert.Equal(process, gateway.ProcessId);
            Assert.False(gateway.HasExited);
        }
        finally
        {
            directory.Delete();
        }
    }
}
