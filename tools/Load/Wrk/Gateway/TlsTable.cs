using System.Globalization;
using System.Text;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// The gateway bench's TLS table: for each TLS configuration the medians of its rounds of HTTPS with
/// keep-alive (wrk, from the main table), HTTP/2 (h2load) and new handshakes, full and resumed
/// (<c>openssl s_time</c>), each as the client's rate and the proxy's CPU per unit, then the gateway's
/// figures over nginx's.
/// </summary>
public static class TlsTable
{
    /// <summary>What one round of one TLS configuration measured beside its wrk run.</summary>
    public sealed record Round(TlsSample Http2, TlsSample Full, TlsSample Resumed);

    private static readonly string[] Columns =
        ["keep-alive req/s", "keep-alive CPU µs/req", "HTTP/2 req/s", "HTTP/2 CPU µs/req", "full handshakes/s", "CPU µs/full handshake", "resumed handshakes/s", "CPU µs/resumed handshake"];

    public static string Render(IReadOnlyList<string> configs, IReadOnlyDictionary<string, GatewayTable.Row> keepAlive, IReadOnlyDictionary<string, IReadOnlyList<Round>> rounds)
    {
        var values = new Dictionary<string, double[]>();
        foreach (var config in configs.Distinct().Where(rounds.ContainsKey))
        {
            var measured = rounds[config];
            var row = keepAlive.GetValueOrDefault(config);
            values[config] =
            [
                row?.Value(1) ?? double.NaN, row?.Value(4) ?? double.NaN,
                GatewayTable.Median(measured.Select(r => r.Http2.PerSecond)), GatewayTable.Median(measured.Select(r => r.Http2.CpuUs)),
                GatewayTable.Median(measured.Select(r => r.Full.PerSecond)), GatewayTable.Median(measured.Select(r => r.Full.CpuUs)),
                GatewayTable.Median(measured.Select(r => r.Resumed.PerSecond)), GatewayTable.Median(measured.Select(r => r.Resumed.CpuUs)),
            ];
        }
        if (values.Count == 0)
            return "";

        var table = new StringBuilder("\n| TLS | ").AppendJoin(" | ", Columns).Append(" | HTTP/2 failed |\n| --- |")
            .Append(string.Concat(Enumerable.Repeat(" ---: |", Columns.Length + 1))).Append('\n');
        foreach (var (config, numbers) in values)
        {
            table.Append("| ").Append(config).Append(" | ").AppendJoin(" | ", numbers.Select(Show))
                .Append(CultureInfo.InvariantCulture, $" | {rounds[config].Sum(r => r.Http2.Failed)} |\n");
        }
        if (values.TryGetValue(GatewayArguments.GatewayTls, out var gateway) && values.TryGetValue(GatewayArguments.NginxTls, out var nginx))
        {
            table.Append("| gateway-tls / nginx-tls | ")
                .AppendJoin(" | ", gateway.Zip(nginx, (a, b) => b > 0 ? (a / b).ToString("F2", CultureInfo.InvariantCulture) : "-"))
                .Append(" | |\n");
        }
        return table.Append("\n(keep-alive: wrk over HTTPS, HTTP/1.1; HTTP/2: h2load; handshakes: openssl s_time -new / -reuse, one client; CPU: the proxy's processes)\n").ToString();
    }

    private static string Show(double value) => double.IsNaN(value) ? "-" : GatewayTable.Number(Math.Round(value, 1));
}
