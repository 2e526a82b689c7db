using System.Globalization;
using System.Net.Sockets;

namespace Platform.Topology.Processes;

/// <summary>The questions readiness and status ask of a running server over HTTP and TCP, each bounded to 2 s.</summary>
public static class Probes
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>True when <paramref name="url"/> answers 2xx.</summary>
    public static async Task<bool> HttpOkAsync(Uri url) => await HttpStatusAsync(url) is >= 200 and < 300;

    /// <summary>The status code <paramref name="url"/> answers, or 0 when nothing answers.</summary>
    public static async Task<int> HttpStatusAsync(Uri url)
    {
        try
        {
            using var response = await Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>The body <paramref name="url"/> answers with 2xx, or null when it answers otherwise or not at all.</summary>
    public static async Task<string?> HttpTextAsync(Uri url)
    {
        try
        {
            using var response = await Client.GetAsync(url);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Status's health column for an HTTP server: <c>HTTP 200</c>, or <c>HTTP 000</c> when nothing answers.</summary>
    public static async Task<string> HttpHealthAsync(Uri url)
    {
        var status = await HttpStatusAsync(url);
        return "HTTP " + status.ToString("000", CultureInfo.InvariantCulture);
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> PortInUseAsync(int port, string address = "127.0.0.1")
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync(address, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>127.0.0.1:port, as scrape targets and client settings name a local server.</summary>
    public static string Authority(int port) => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");

    /// <summary>http://127.0.0.1:port + path.</summary>
    public static Uri Local(int port, string path) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}{path}"));
}
