using System.Net;
using System.Net.Sockets;

namespace Platform.Load.Traffic;

/// <summary>
/// A client that opens every connection from another loopback address (127.a.b.c, up to 100,000 of
/// them, reused round robin) by binding the socket before connecting, and sends <c>Connection: close</c>
/// so each request takes a new connection and so a new address.
/// </summary>
public static class SourceAddresses
{
    public const int Count = 100_000;
    private static int _next = -1;

    /// <summary>Address <paramref name="index"/> of the pool: every octet in 1..250.</summary>
    public static IPAddress At(int index)
    {
        index %= Count;
        return new IPAddress([127, (byte)(1 + index / 62_500), (byte)(1 + index / 250 % 250), (byte)(1 + index % 250)]);
    }

    public static HttpClient Client(Uri gateway)
    {
        var handler = ClientFactory.NewHandler();
        handler.PooledConnectionLifetime = TimeSpan.Zero;
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(At(Interlocked.Increment(ref _next) & int.MaxValue), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        var client = ClientFactory.Create(gateway, apiKey: null, handler);
        client.DefaultRequestHeaders.ConnectionClose = true;
        return client;
    }
}
