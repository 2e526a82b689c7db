using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Load.Reporting;
using Platform.Topology;
using Platform.Topology.Processes;

namespace Platform.Load.Wrk.Writes;

/// <summary>
/// Where the writes bench's figures come from: the machine, the versions, and the replicas' own overrides
/// of runtime and pool settings (read from a replica's environment; the connection string is left out).
/// </summary>
public static partial class WritesSetup
{
    public static async Task<string> DescribeAsync(StateLayout layout, WritesDatabase database)
    {
        var memoryGib = MachineInfo.MemoryKib() is { } kib ? (kib / 1024 / 1024).ToString(CultureInfo.InvariantCulture) : "?";
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim() : "?";
        var runtime = (await OutputAsync("dotnet", "--list-runtimes")).Split('\n')
            .Where(line => line.StartsWith("Microsoft.AspNetCore.App ", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[1]).LastOrDefault() ?? "?";
        var wrk = string.Join(' ', (await OutputAsync(WrkRun.Program, "-v")).Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));
        var sdk = (await OutputAsync("dotnet", "--version")).Trim();
        var mariaDb = await database.ScalarAsync("SELECT VERSION()");
        return string.Create(CultureInfo.InvariantCulture,
            $"- machine: {Environment.ProcessorCount} cores, {memoryGib} GiB RAM, kernel {kernel}, CPU {MachineInfo.CpuModel() ?? "?"}\n"
            + $"- MariaDB {mariaDb}; .NET SDK {(sdk.Length > 0 ? sdk : "?")}, runtime {runtime}; {wrk}\n"
            + $"- replica overrides of runtime/pool settings: {ReplicaOverrides(layout) ?? "none (defaults: Server GC, pool 30 per replica, 2 s pool timeout)"}\n");
    }

    /// <summary>The runtime and pool settings among a replica's environment variables, sorted; null when none.</summary>
    public static string? Overrides(IEnumerable<string> environment)
    {
        var settings = environment.Where(name => OverrideName().IsMatch(name)).Order(StringComparer.Ordinal).ToList();
        return settings.Count > 0 ? string.Join(' ', settings) : null;
    }

    [GeneratedRegex("^(DOTNET_(gc|GC|ThreadPool|Tiered)|Database__(Maximum|Minimum|ConnectionTimeout))")]
    private static partial Regex OverrideName();

    private static string? ReplicaOverrides(StateLayout layout)
    {
        var table = new ProcessTable(layout);
        foreach (var number in table.ReplicaNumbers())
        {
            if (table.RecordedPid(ProcessNames.Replica(number)) is not { } pid)
                continue;
            try
            {
                return Overrides(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ").Split('\0'));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        return null;
    }

    private static async Task<string> OutputAsync(string program, string argument)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, [argument]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null)
                return "";
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);
            return (await output + await errors).ReplaceLineEndings("\n");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return "";
        }
    }
}
