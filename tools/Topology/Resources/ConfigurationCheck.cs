using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Resources;

/// <summary>A server's own checker (amtool, promtool) run over the files written for it, before it is started or told to reload them.</summary>
public static class ConfigurationCheck
{
    /// <exception cref="PlatformException">The checker refused them; its output is in logs/<paramref name="logName"/>.log, and its tail on stderr.</exception>
    public static async Task RunAsync(ResourceContext context, ServiceCommand check, string logName, string failure)
    {
        var (exitCode, output) = await CommandRunner.RunAsync(check, TimeSpan.FromMinutes(1));
        var log = context.Layout.Log(logName);
        await File.WriteAllTextAsync(log, output);
        if (exitCode != 0)
        {
            context.Narrator.ShowLogTail(log, context.Layout.Display(log));
            throw new PlatformException(failure);
        }
    }
}
