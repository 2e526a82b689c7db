using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Load.Poison;

/// <summary>What came back on a poison request's connection.</summary>
/// <param name="Statuses">The status of every answer read, in order; more than one means a second request was heard.</param>
/// <param name="Error">Why reading stopped other than a quiet or closed connection (e.g. "reset"), or null.</param>
public sealed record PoisonAnswer(IReadOnlyList<int> Statuses, string? Error)
{
    public int? Status => Statuses.Count > 0 ? Statuses[0] : null;
}

/// <summary>
/// Sends one <see cref="PoisonRequest"/> over its own raw TCP connection and reads every answer that
/// comes back until the connection closes or stays quiet, since a client library would refuse to send
/// most of them. Bounded in bytes and time.
/// </summary>
public static class PoisonExchange
{
    private const int MaxAnswerBytes = 1024 * 1024;

    /// <summary>How long the connection must stay quiet after an answer before no second one is expected.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    /// <summary>How long a trickled body goes on at most (Kestrel cuts one slower than 240 B/s after a 5 s grace).</summary>
    public static readonly TimeSpan TrickleFor = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan FirstAnswerWithin = TimeSpan.FromSeconds(20);

    public static async Task<PoisonAnswer> SendAsync(IPEndPoint gateway, PoisonRequest request, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(gateway, cancellationToken);
        var bytes = request.Bytes(gateway.ToString());
        var received = new List<byte>();
        try
        {
            switch (request.Delivery)
            {
                case Delivery.CutShort:
                    await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                    return new PoisonAnswer([], null);
                case Delivery.Trickle:
                    var early = await TrickleAsync(socket, bytes, cancellationToken);
                    received.AddRange(early);
                    if (early.Length == 0)
                        return new PoisonAnswer([], null);
                    break;
                case Delivery.AbortMidAnswer:
                    await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
                    var first = new byte[1];
                    using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        wait.CancelAfter(FirstAnswerWithin);
                        await socket.ReceiveAsync(first, SocketFlags.None, wait.Token);
                    }
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                    return new PoisonAnswer([], null);
                default:
                    await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
                    break;
            }
            await ReadAllAsync(socket, received, cancellationToken);
            return new PoisonAnswer(Parse(received), null);
        }
        catch (SocketException error)
        {
            // A server may reset a connection it refused; what arrived before still counts.
            return new PoisonAnswer(Parse(received), error.SocketErrorCode.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PoisonAnswer(Parse(received), "no answer in time");
        }
    }

    /// <summary>Sends the head, then the body a byte a second until the server answers or closes; returns what it answered meanwhile.</summary>
    /// <remarks>Asynchronous throughout: a blocking wait per byte would starve the generator's thread pool and stall every other client of the run.</remarks>
    private static async Task<byte[]> TrickleAsync(Socket socket, byte[] bytes, CancellationToken cancellationToken)
    {
        var head = IndexOf(bytes, "\r\n\r\n"u8) + 4;
        await socket.SendAsync(bytes.AsMemory(0, head), SocketFlags.None, cancellationToken);
        var buffer = new byte[16 * 1024];
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var answered = socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, stopReading.Token).AsTask();
        var until = DateTime.UtcNow + TrickleFor;
        for (var i = head; i < bytes.Length && DateTime.UtcNow < until; i++)
        {
            // Stop as soon as the server has answered or closed: it has given up on the body.
            if (await Task.WhenAny(answered, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)) == answered)
                break;
            try
            {
                await socket.SendAsync(bytes.AsMemory(i, 1), SocketFlags.None, cancellationToken);
            }
            catch (SocketException)
            {
                break;
            }
        }
        if (!answered.IsCompleted)
            await Task.WhenAny(answered, Task.Delay(FirstAnswerWithin, cancellationToken));
        if (!answered.IsCompleted)
        {
            await stopReading.CancelAsync();
            await ((Task)answered).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return answered.IsCompletedSuccessfully ? buffer[..answered.Result] : [];
    }

    private static async Task ReadAllAsync(Socket socket, List<byte> received, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (received.Count < MaxAnswerBytes)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(Parse(received).Count == 0 ? FirstAnswerWithin : Quiet);
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (Parse(received).Count == 0)
                    throw;
                return; // Quiet after an answer: no second one is coming.
            }
            if (read == 0)
                return;
            received.AddRange(buffer.AsSpan(0, read));
        }
    }

    /// <summary>The statuses of the complete answers in <paramref name="received"/> (Content-Length, chunked, or to the close).</summary>
    public static List<int> Parse(List<byte> received)
    {
        var data = received.ToArray().AsSpan();
        var statuses = new List<int>();
        while (data.Length > 0)
        {
            var end = IndexOf(data, "\r\n\r\n"u8);
            if (end < 0)
                break;
            var head = Encoding.Latin1.GetString(data[..end]);
            var lines = head.Split("\r\n");
            var parts = lines[0].Split(' ');
            if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
                break;
            data = data[(end + 4)..];
            var length = 0;
            var chunked = false;
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                    continue;
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    _ = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out length);
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                    chunked = true;
            }
            statuses.Add(status);
            if (status is (>= 100 and < 200) and not 101)
                continue; // An interim answer (100 Continue) has no body and is followed by the real one.
            if (chunked)
            {
                var last = IndexOf(data, "\r\n0\r\n\r\n"u8);
                if (last < 0 && !data.StartsWith("0\r\n\r\n"u8))
                    break;
                data = last < 0 ? data[5..] : data[(last + 7)..];
            }
            else
            {
                data = data[Math.Min(length, data.Length)..];
            }
        }
        statuses.RemoveAll(status => status is (>= 100 and < 200) and not 101);
        return statuses;
    }

    private static int IndexOf(ReadOnlySpan<byte> data, ReadOnlySpan<byte> value) => data.IndexOf(value);
}
