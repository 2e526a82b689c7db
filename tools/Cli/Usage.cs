using System.Text;
using Platform.Topology;

namespace Platform.Cli;

/// <summary>The root command's description: what the platform is, and the environment every command reads.</summary>
public static class Usage
{
    private const string About = """
        Runs the platform on this machine: MariaDB, Redis, the Reservations API replicas and the gateway in
        front of them, the trace viewer they send their traces to, the servers' exporters, Prometheus and
        Alertmanager, all on 127.0.0.1, with every piece of state (data, logs, pid files, builds) under .platform/.
        """;

    /// <summary>What the platform is, then each <c>PLATFORM_*</c> variable with its default (<see cref="PlatformVariables.All"/>).</summary>
    public static string Description { get; } = Describe();

    private static string Describe()
    {
        var text = new StringBuilder(About).AppendLine().AppendLine().AppendLine("Environment (defaults in brackets):");
        foreach (var (name, fallback, meaning) in PlatformVariables.All)
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {name} [{fallback}]  {meaning}");
        return text.ToString().TrimEnd();
    }
}
