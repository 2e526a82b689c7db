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
    [InlineData("Deadlines__Default", "00:00:00", "Deadlines:Default")]
    [InlineData("Deadlines__Default", "-00:00:03", "Deadlines:Default")]
    [InlineData("Deadlines__Default", "00:01:00", "Deadlines:Default must not exceed Deadlines:Maximum")]
    [InlineData("Deadlines__Maximum", "1.00:00:00", "Deadlines:Maximum")]
    [InlineData("Deadlines__Maximum", "3000", "Deadlines:Maximum")]
    [InlineData("Bulkheads__Writers", "0", "Bulkheads:Writers")]
    [InlineData("Bulkheads__Writers", "31", "Bulkheads:Writers (31) must not exceed Database:MaximumPoolSize (30)")]
    [InlineData("Bulkheads__Writers", "twenty", "Bulkheads:Writers")]
    [InlineData("Bulkheads__Readers", "-1", "Bulkheads:Readers")]
    [InlineData("Bulkheads__AnonymousWriters", "0", "Bulkheads:AnonymousWriters")]
    [InlineData("Bulkheads__AnonymousWriters", "21", "Bulkheads:AnonymousWriters (21) must not exceed Bulkheads:Writers (20)")]
    [InlineData("Bulkheads__Readers", "31", "Bulkheads:Readers (31) must not exceed Database:MaximumPoolSize (30)")]
    [InlineData("Database__BackgroundStatementTimeoutSeconds", "0", "Database:BackgroundStatementTimeoutSeconds")]
    [InlineData("Bulkheads__WriteLatencyTarget", "00:00:00", "Bulkheads:WriteLatencyTarget")]
    [InlineData("Bulkheads__AdaptiveWriters", "maybe", "Bulkheads:AdaptiveWriters")]
    [InlineData("Identity__SigningKeyFile", "", "Identity:SigningKeyFile")]
    [InlineData("Identity__SigningKeyFile", "/nonexistent/signing-key", "Identity:SigningKeyFile")]
    [InlineData("Identity__MaxAge", "00:00:00", "Identity:MaxAge")]
    [InlineData("Identity__MaxAge", "01:00:00", "Identity:MaxAge")]
    [InlineData("Database__BackOfficePoolSize", "0", "Database:BackOfficePoolSize")]
    [InlineData("Export__RowsPerSecond", "-1", "Export:RowsPerSecond")]
    [InlineData("Export__RowsPerSecond", "fast", "Export:RowsPerSecond")]
    [InlineData("Reports__CacheTtl", "00:05:00", "Reports:CacheTtl")]
    [InlineData("Tracing__SampleRatio", "1.5", "Tracing:SampleRatio")]
    [InlineData("Tracing__SampleRatio", "-0.01", "Tracing:SampleRatio")]
    [InlineData("Tracing__SampleRatio", "1%", "Tracing:SampleRatio")]
    [InlineData("Tracing__MaxQueueSize", "10", "Tracing:MaxQueueSize")]
    public async Task A_bad_setting_stops_the_replica_naming_the_key(string variable, string value, string key)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ApiReplica.StartAsync(
            "api-misconfigured", Cluster.Database.AppConnectionString, Cluster.Redis.RelayConnectionString,
            new Dictionary<string, string> { [variable] = value }));
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("c2hvcnQ=")] // "short": 5 bytes
    [InlineData("not base64 at all!")]
    [InlineData("")]
    public async Task A_signing_key_file_without_a_usable_key_stops_the_replica_naming_the_key(string content)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("platform-bad-key-").FullName, "signing-key");
        await File.WriteAllTextAsync(file, content, Cancellation);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ApiReplica.StartAsync(
            "api-misconfigured", Cluster.Database.AppConnectionString, Cluster.Redis.RelayConnectionString,
            new Dictionary<string, string> { [TestIdentity.KeyFileSetting] = file }));
        Assert.Contains("Identity:SigningKeyFile", failure.Message, StringComparison.Ordinal);
        if (content.Length > 0)
            Assert.DoesNotContain(content, failure.Message, StringComparison.Ordinal); // the file's content is never shown
    }
}
