using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Platform.Load.Traffic;

/// <summary>
/// The flood's clients as the gateway sees them behind a load balancer: every request comes over a
/// few kept-alive connections from the proxy address the gateway trusts (<c>./platform up</c>
/// configures it) and names another client in <c>X-Forwarded-For</c>, 10.a.b.c, up to 100,000 of them,
/// reused round robin. So each request is a new anonymous client to the limiter, and the generator
/// spends its cores on requests, not on TCP handshakes, as a flood from other machines would.
/// </summary>
public static class ForwardedClients
{
    public const int Count = 100_000;
    public const string Header = "X-Forwarded-For";
    private static int _next = -1;

    /// <summary>Client address <paramref name="index"/>: 10.a.b.c with b and c in 1..250.</summary>
    public static string At(int index)
    {
        index %= Count;
        return string.Create(CultureInfo.InvariantCulture, $"10.{index / 62_500}.{1 + (index / 250 % 250)}.{1 + (index % 250)}");
    }

    /// <summary>The next client address, round robin over <see cref="Count"/>.</summary>
    public static string Next() => At(Interlocked.Increment(ref _next) & int.MaxValue);

    /// <summary>A client whose connections all come from <paramref name="proxyAddress"/>.</summary>
    public static HttpClient Client(Uri gateway, IPAddress proxyAddress)
    {
        var handler = ClientFactory.NewHandler();
        handler.MaxConnectionsPerServer = 64;
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(proxyAddress, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return ClientFactory.Create(gateway, apiKey: null, handler);
    }
}
