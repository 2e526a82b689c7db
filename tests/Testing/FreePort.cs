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

    /// <summary>
    /// A base port B such that B+1..B+<paramref name="count"/> were all free a moment ago, for a
    /// program that numbers its ports from a base (replica N on base+N).
    /// </summary>
    public static int Block(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (Given)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var first = Next();
                var ports = Enumerable.Range(first, count).ToList();
                if (ports[^1] > IPEndPoint.MaxPort || !ports.Skip(1).All(IsFree))
                {
                    continue;
                }

                foreach (var port in ports)
                {
                    Given.Add(port);
                }

                return first - 1;
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free loopback ports after 100 attempts.");
    }

    private static bool IsFree(int port)
    {
        if (Given.Contains(port))
        {
            return false;
        }

        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
