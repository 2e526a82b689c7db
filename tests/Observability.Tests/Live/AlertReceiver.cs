using System.Net;
using System.Text.Json.Nodes;
using Platform.Testing;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// A webhook receiver on a loopback port standing in for the on-call pager: it records every
/// notification Alertmanager sends and answers 200.
/// </summary>
public sealed class AlertReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<JsonNode> _notifications = [];
    private readonly Task _loop;

    public AlertReceiver()
    {
        var port = FreePort.Next();
        Address = new Uri($"http://127.0.0.1:{port}/alerts/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public Uri Address { get; }

    /// <summary>Every webhook body received so far (Alertmanager's version 4 payload).</summary>
    public IReadOnlyList<JsonNode> Notifications
    {
        get
        {
            lock (_notifications)
            {
                return [.. _notifications];
            }
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // closed
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                var body = JsonNode.Parse(await reader.ReadToEndAsync());
                if (body is not null)
                {
                    lock (_notifications)
                    {
                        _notifications.Add(body);
                    }
                }
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
