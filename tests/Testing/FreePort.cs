using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>Loopback TCP ports nobody is listening on, for servers the tests start.</summary>
public static class FreePort
{
    // The kernel may hand the same ephemeral port out again once it is released, and a server
    // started from a port taken earlier may not have bound it yet; never give one out twice.
    private static readonly HashSet<int> Given = [];

    /// <summary>A port on 127.0.0.1 that was free a moment ago (bind to port 0, read, release).</summary>
    public static int Next()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("No free loopback port after 100 attempts.");
    }
}
