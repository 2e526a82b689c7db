using System.Net;
using System.Text;
using Platform.Contracts.Problems;
using Platform.Testing;
using Platform.Topology.Services;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>
/// A body over Kestrel:Limits:MaxRequestBodySize (64 KiB) is refused by the gateway itself. The only
/// destination is a listener that counts connections, with active health checks off so nothing
/// else connects: a body that reached it would show.
/// </summary>
public sealed class BodyLimitTests : GatewayTest, IAsyncLifetime
{
    private const int Limit = 64 * 1024;
    private TcpUpstream? _upstream;
    private GatewayProcess? _gateway;

    private TcpUpstream Upstream => _upstream!;
    private GatewayProcess Gateway => _gateway!;

    public async ValueTask InitializeAsync()
    {
        _upstream = TcpUpstream.Stalling();
        _gateway = await GatewayProcess.StartAsync(
            new Dictionary<string, Uri> { ["counting"] = _upstream.Address },
            new Dictionary<string, string> { [$"ReverseProxy__Clusters__{GatewayService.Cluster}__HealthCheck__Active__Enabled"] = "false" });
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
            await _gateway.DisposeAsync();
        if (_upstream is not null)
            await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_body_declared_over_the_limit_is_413_and_never_reaches_a_replica()
    {
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(new string('x', Limit + 1)));
        content.Headers.ContentType = new("application/json");
        using var response = await ClientFor(Gateway).PostAsync("/api/v1/reservations", content, Cancellation);

        var problem = await ExpectGatewayProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Contains($"{Limit}", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(0, Upstream.Accepted);
    }

    [Fact]
    public async Task A_chunked_body_that_grows_past_the_limit_is_413_and_never_reaches_a_replica()
    {
        using var content = new ChunkedContent(Encoding.ASCII.GetBytes(new string('x', Limit + 1)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await ClientFor(Gateway).SendAsync(request, Cancellation);

        await ExpectGatewayProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Equal(0, Upstream.Accepted);
    }

    /// <summary>A body of no declared length, sent in several chunks.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += 8192)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(8192, body.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
