using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>Loopback TCP ports nobody is listening on, for servers the tests start.</summary>
public static class FreePort
{
    // The kernel may hand the same ephemeral port out again once it is released, and a server
    // started from a port taken earlier may not have bound it yet; never give one out twice.
    private static readonly HashSet<int> Given = [];

    // Clear of the well-known and registered ports most servers on a machine use.
    private const int LowestBlockPort = 20000;

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
    /// program that numbers its ports from a base (replica N on base+N). The block lies below the
    /// kernel's ephemeral range: a replica started seconds later (scale 5) must still find its port,
    /// and inside that range any outgoing connection may take it meanwhile.
    /// </summary>
    public static int Block(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var below = EphemeralRangeStart();
        lock (Given)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var first = Random.Shared.Next(LowestBlockPort, below - count);
                var ports = Enumerable.Range(first, count).ToList();
                if (!ports.All(IsFree))
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

        throw new InvalidOperationException($"No {count} consecutive free loopback ports between {LowestBlockPort} and {below} after 200 attempts.");
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

    // The first port the kernel hands out for outgoing connections (net.ipv4.ip_local_port_range).
    private static int EphemeralRangeStart()
    {
        try
        {
            var low = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0];
            return int.TryParse(low, System.Globalization.CultureInfo.InvariantCulture, out var port) && port > LowestBlockPort + 1000 ? port : 32768;
        }
        catch (IOException)
        {
            return 32768;
        }
    }
}
