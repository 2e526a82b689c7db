using System.Globalization;
using System.Text;

namespace Platform.Load.Wrk.Gateway;

/// <summary>
/// tools/Bench/nginx-gateway.conf made concrete: its port in place of @PORT@, one upstream server line per
/// replica in place of @REPLICAS@; with <paramref name="Tls"/>, its <c>#tls</c> lines too (HTTPS on
/// @TLS_PORT@ with @CERTIFICATE@ and @KEY@), else without them.
/// </summary>
public static class NginxConfig
{
    private const string TlsPrefix = "#tls ";

    /// <summary>The HTTPS port and the PEM certificate and key nginx serves there.</summary>
    public sealed record Tls(int Port, string CertificateFile, string KeyFile);

    public static string Render(string template, int port, IEnumerable<int> replicaPorts, Tls? tls = null)
    {
        var servers = new StringBuilder();
        foreach (var replica in replicaPorts)
            servers.Append(CultureInfo.InvariantCulture, $"    server 127.0.0.1:{replica};\n");
        var text = new StringBuilder();
        foreach (var line in template.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
        {
            var kept = line;
            if (line.TrimStart().StartsWith(TlsPrefix, StringComparison.Ordinal))
            {
                if (tls is null)
                    continue;
                kept = line.Replace(TlsPrefix, "", StringComparison.Ordinal)
                    .Replace("@TLS_PORT@", tls.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("@CERTIFICATE@", tls.CertificateFile, StringComparison.Ordinal)
                    .Replace("@KEY@", tls.KeyFile, StringComparison.Ordinal);
            }
            if (kept.Contains("@REPLICAS@", StringComparison.Ordinal))
                text.Append(servers);
            else
                text.Append(kept.Replace("@PORT@", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).Append('\n');
        }
        return text.ToString();
    }
}
