using Platform.Testing;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>A wrong setting stops the gateway at start-up with a message naming the key.</summary>
public sealed class ConfigurationTests : GatewayTest
{
    [Theory]
    [InlineData("Proxy__DrainTimeout", "-00:00:01", "Proxy:DrainTimeout")]
    [InlineData("Proxy__ConnectTimeout", "00:00:00", "Proxy:ConnectTimeout")]
    [InlineData("Metrics__Host", "", "Metrics:Host")]
    [InlineData("Proxy__DestinationsFile", "no-such-folder/destinations.json", "Proxy:DestinationsFile")]
    [InlineData("Proxy__DefaultDeadline", "00:00:00", "Proxy:DefaultDeadline")]
    [InlineData("ReverseProxy__Routes__api__Metadata__Deadline", "three seconds", "ReverseProxy:Routes:api:Metadata:Deadline")]
    [InlineData("ReverseProxy__Routes__api__Metadata__Deadline", "-00:00:01", "ReverseProxy:Routes:api:Metadata:Deadline")]
    [InlineData("Proxy__Hedging__PerTryTimeout", "00:00:00", "Proxy:Hedging:PerTryTimeout")]
    [InlineData("Proxy__Hedging__BudgetRatio", "1.5", "Proxy:Hedging:BudgetRatio")]
    [InlineData("Proxy__Outliers__MaxEjectedPercent", "101", "Proxy:Outliers:MaxEjectedPercent")]
    [InlineData("Proxy__Outliers__ProbePath", "", "Proxy:Outliers:ProbePath")]
    [InlineData("Tracing__SampleRatio", "2", "Tracing:SampleRatio")]
    [InlineData("Tracing__SampleRatio", "often", "Tracing:SampleRatio")]
    public async Task A_wrong_setting_stops_the_gateway_with_a_message_naming_it(string setting, string value, string named)
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayProcess.StartAsync(
            new Dictionary<string, Uri>(), new Dictionary<string, string> { [setting] = value }));

        Assert.Contains("exited", failure.Message, StringComparison.Ordinal);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
