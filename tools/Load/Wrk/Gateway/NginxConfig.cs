using System.Globalization;
using System.Text;

namespace Platform.Load.Wrk.Gateway;

/// <summary>tools/Bench/nginx-gateway.conf made concrete: its port in place of @PORT@, one upstream server line per replica in place of @REPLICAS@.</summary>
public static class NginxConfig
{
    public static string Render(string template, int port, IEnumerable<int> replicaPorts)
    {
        var servers = new StringBuilder();
        foreach (var replica in replicaPorts)
            servers.Append(CultureInfo.InvariantCulture, $"    server 127.0.0.1:{replica};\n");
        var text = new StringBuilder();
        foreach (var line in template.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
        {
            if (line.Contains("@REPLICAS@", StringComparison.Ordinal))
                text.Append(servers);
            else
                text.Append(line.Replace("@PORT@", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).Append('\n');
        }
        return text.ToString();
    }
}
