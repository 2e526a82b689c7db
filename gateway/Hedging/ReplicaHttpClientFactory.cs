using Microsoft.Extensions.Options;
using Platform.Gateway.Outliers;
using Platform.Gateway.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Gateway.Hedging;

/// <summary>
/// YARP's client factory with our connection settings and the <see cref="HedgingHandler"/> in front
/// of each cluster's socket handler. One handler per cluster client, so each cluster keeps its own
/// budget and latency estimate; YARP makes a new client only when the cluster's HTTP settings change.
/// </summary>
public sealed class ReplicaHttpClientFactory(
    ILogger<ForwarderHttpClientFactory> logger,
    IOptions<ProxyOptions> proxy,
    IOptions<HedgingOptions> hedging,
    OutlierDetector outliers) : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        // SocketsHttpHandler's default is already unlimited; said here so that a cap is a
        // deliberate ReverseProxy:Clusters:*:HttpClient:MaxConnectionsPerServer, never a surprise.
        handler.MaxConnectionsPerServer = context.NewConfig.MaxConnectionsPerServer ?? int.MaxValue;
        handler.PooledConnectionLifetime = proxy.Value.PooledConnectionLifetime;
        handler.ConnectTimeout = proxy.Value.ConnectTimeout;
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new HedgingHandler(context.ClusterId, hedging.Value, outliers, base.WrapHandler(context, handler));
}
