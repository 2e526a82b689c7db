using System.Net;
using System.Net.Sockets;

namespace Platform.Gateway.Tests.RateLimiting;

/// <summary>A client with a loopback address of its own (127.0.0.0/8 is all local), so the gateway sees another anonymous caller.</summary>
internal static class LoopbackClient
{
    public static HttpClient Create(Uri gateway, IPAddress local)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
    }
}
