using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Platform.Contracts.Http;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>
/// A loopback HTTP/1.1 upstream the test controls, for what a real replica will not do on cue:
/// answer only after a delay, never, or drop the connection once the request has arrived. It counts the connections it accepted, so a test can
/// also show that nothing reached it, and keeps each request's head (request line and headers) exactly as it arrived.
/// </summary>
public sealed class TcpUpstream : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxConnections = 1000;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeSpan? _answerAfter;
    private readonly int _status;
    private readonly bool _drop;
    private readonly TaskCompletionSource _requestReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _connections = [];
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Task _accepting;
    private int _accepted;

    private readonly TimeSpan? _restAfter;
    private readonly bool _split;

    private TcpUpstream(TimeSpan? answerAfter, bool drop = false, int status = 200, bool split = false, TimeSpan? restAfter = null)
    {
        _answerAfter = answerAfter;
        _status = status;
        _drop = drop;
        _split = split;
        _restAfter = restAfter;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Reads each request and never answers.</summary>
    public static TcpUpstream Stalling() => new(answerAfter: null);

    /// <summary>Reads each request and answers 200 <c>slow</c> after <paramref name="delay"/>.</summary>
    public static TcpUpstream AnsweringAfter(TimeSpan delay) => new(delay);

    /// <summary>Answers each request <paramref name="status"/> (200) <c>slow</c> at once: a replica that only records what it was sent.</summary>
    public static TcpUpstream Answering(HttpStatusCode status = HttpStatusCode.OK) => new(TimeSpan.Zero, status: (int)status);

    /// <summary>
    /// Answers each request at once with its head and half its body (<c>sl</c> of <c>slow</c>), and the rest after
    /// <paramref name="restAfter"/>, or never when null: an answer under way when a deadline passes.
    /// </summary>
    public static TcpUpstream AnsweringInTwoParts(TimeSpan? restAfter) => new(TimeSpan.Zero, split: true, restAfter: restAfter);

    /// <summary>Reads each request's headers, then resets the connection without a byte of answer, as a replica killed mid-request.</summary>
    public static TcpUpstream Dropping() => new(answerAfter: null, drop: true);

    public Uri Address { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>The head of every request received so far (request line and header lines, CRLF-separated), in arrival order.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>Completes when the first request's headers have arrived.</summary>
    public Task RequestReceived => _requestReceived.Task;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }
        await Task.WhenAll([_accepting, .. connections]).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested && Accepted < MaxConnections)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            lock (_connections)
            {
                _connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                _requests.Enqueue(await ReadHeadersAsync(stream));
                _requestReceived.TrySetResult();
                if (_drop)
                {
                    client.Client.LingerState = new LingerOption(enable: true, seconds: 0);
                    return;
                }
                if (_answerAfter is not { } delay)
                {
                    await Task.Delay(Timeout.Infinite, _stopping.Token);
                    return;
                }

                if (delay > TimeSpan.Zero)
                    await Task.Delay(delay, _stopping.Token);
                var head = $"HTTP/1.1 {_status} {(HttpStatusCode)_status}\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n{PlatformHeaders.Replica}: slow\r\nConnection: close\r\n\r\n";
                if (!_split)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "slow"), _stopping.Token);
                    return;
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "sl"), _stopping.Token);
                await stream.FlushAsync(_stopping.Token);
                await Task.Delay(_restAfter ?? Timeout.InfiniteTimeSpan, _stopping.Token);
                await stream.WriteAsync("ow"u8.ToArray(), _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // The test is over or the gateway hung up: either way this connection is done.
            }
        }
    }

    // Up to the blank line that ends the headers; bounded in size, and by the test's end.
    private async Task<string> ReadHeadersAsync(NetworkStream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (received.Length < MaxHeaderBytes)
        {
            var read = await stream.ReadAsync(buffer, _stopping.Token);
            if (read == 0)
                throw new IOException("The connection closed before the request's headers ended.");
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var text = received.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
                return text[..end];
        }
        throw new IOException("The request's headers were longer than this upstream reads.");
    }
}
