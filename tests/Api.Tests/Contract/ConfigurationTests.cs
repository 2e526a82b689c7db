using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>A wrong setting stops the replica at start-up with a message naming the key.</summary>
public class ConfigurationTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Theory]
    [InlineData("Database__MaximumPoolSize", "0", "Database:MaximumPoolSize")]
    [InlineData("Database__MaximumPoolSize", "lots", "Database:MaximumPoolSize")]
    [InlineData("Database__MinimumPoolSize", "50", "Database:MinimumPoolSize")]
    [InlineData("Database__ConnectionTimeoutSeconds", "0", "Database:ConnectionTimeoutSeconds")]
    [InlineData("Database__ConnectionString", "", "Database:ConnectionString")]
    [InlineData("Database__ConnectionString", "Server=127.0.0.1;Flux Capacitor=on", "Database:ConnectionString")]
    [InlineData("Reservations__HoldTime", "00:00:00", "Reservations:HoldTime")]
    [InlineData("Outbox__BatchSize", "0", "Outbox:BatchSize")]
    [InlineData("Redis__Configuration", "", "Redis:Configuration")]
    [InlineData("Replica__Id", "has spaces", "Replica:Id")]
    [InlineData("Shutdown__DrainDelay", "00:05:00", "Shutdown:DrainDelay")]
    [InlineData("Shutdown__DrainDelay", "soon", "Shutdown:DrainDelay")]
    public async Task A_bad_setting_stops_the_replica_naming_the_key(string variable, string value, string key)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ApiReplica.StartAsync(
            "api-misconfigured", Cluster.Database.AppConnectionString, Cluster.Redis.ConnectionString,
            new Dictionary<string, string> { [variable] = value }));
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }
}
