using System.CommandLine;
using Platform.Topology;
using Platform.Topology.Backups;
using Platform.Topology.Services;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>backup [--dir DIR]</c>: one backup of the running MariaDB (full or incremental, with the binary logs since),
/// see <see cref="BackupRun"/>; a scheduler (cron, a systemd timer, the compose backup service) runs it.
/// </summary>
public static class BackupCommand
{
    public const string Name = "backup";

    public static Command Create()
    {
        var directory = DirectoryOption("where backups are written (default: the state directory's backups/; in production another disk)");
        var command = new Command(Name, "back up the running MariaDB: a full backup to start a chain, then incrementals, each with the binary logs since; "
            + $"keeps {PlatformVariables.BackupKeepChains} chains") { directory };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = CliHost.Settings();
            var target = ResolveDirectory(parse.GetValue(directory), settings.Layout);
            var policy = BackupPolicy.FromEnvironment(target);
            await new BackupRun(policy, MariaDbService.Root(settings.Layout), Narrator.Console)
            {
                RestoredMarker = settings.Layout.RestoredMarker,
                MetricsDirectory = settings.Layout.NodeExporterTextfiles,
            }.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>The <c>--dir</c> option backup and restore share.</summary>
    public static Option<string> DirectoryOption(string description) => new("--dir") { Description = description };

    /// <summary>
    /// The backup directory: <c>--dir</c> made absolute (spaces and <c>..</c> are fine: no shell ever sees it), else
    /// the state directory's. A directory inside the data or binary-log directory is refused: losing that disk
    /// would lose the backups with it, which is what they are for.
    /// </summary>
    /// <exception cref="PlatformException">The directory is empty, not a directory, or inside MariaDB's own.</exception>
    public static string ResolveDirectory(string? given, StateLayout layout)
    {
        if (given is null)
        {
            return layout.Backups;
        }

        if (string.IsNullOrWhiteSpace(given) || given.Contains('\0', StringComparison.Ordinal))
        {
            throw new PlatformException("--dir needs a directory, e.g. --dir /srv/backups/platform");
        }

        var full = Path.GetFullPath(given);
        if (File.Exists(full))
        {
            throw new PlatformException($"--dir {full} is a file, not a directory");
        }

        var files = MariaDbService.Files(layout);
        foreach (var (own, what) in new[] { (files.DataDirectory, "data"), (files.BinlogDirectory, "binary-log") })
        {
            var relative = Path.GetRelativePath(own, full);
            if (relative == "." || !(relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)))
            {
                throw new PlatformException($"--dir {full} is inside MariaDB's {what} directory {own}; give a directory of its own (in production on another disk)");
            }
        }

        return full;
    }
}
