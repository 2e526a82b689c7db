using Platform.Topology;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Load.Wrk;

/// <summary>
/// The tools a wrk bench runs (wrk, nginx, perf…), installed from Debian when missing as <c>./platform</c>
/// installs the servers: only as root, and with RUNLEVEL=1 so a package's post-install script does not
/// start a system-wide service (nginx on port 80).
/// </summary>
public static class DebianPackages
{
    /// <summary>True when <paramref name="command"/> is on PATH.</summary>
    public static bool IsInstalled(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, command)));

    /// <summary>Installs the packages of the commands that are missing (command → package).</summary>
    /// <exception cref="PlatformException">Not root, or apt-get failed.</exception>
    public static async Task EnsureAsync(IReadOnlyDictionary<string, string> commands, TextWriter progress)
    {
        var missing = commands.Where(pair => !IsInstalled(pair.Key)).Select(pair => pair.Value).Distinct().ToList();
        if (missing.Count == 0)
            return;
        if (Environment.UserName != "root")
            throw new PlatformException($"missing Debian packages: {string.Join(' ', missing)} (install them as root)");
        await progress.WriteLineAsync($"==> installing Debian packages: {string.Join(' ', missing)}");
        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive", ["RUNLEVEL"] = "1" };
        foreach (var arguments in new[] { (string[])["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", .. missing] })
        {
            var (exit, output) = await CommandRunner.RunAsync(new ServiceCommand("apt-get", arguments, environment), TimeSpan.FromMinutes(10));
            if (exit != 0)
                throw new PlatformException($"apt-get {arguments[0]} failed: {output.Trim().ReplaceLineEndings(" ")}");
        }
    }
}
