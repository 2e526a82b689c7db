using System.CommandLine;
using Platform.Topology;
using Platform.Topology.Backups;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>restore [--dir DIR] [--to TIME | --to-gtid GTID]</c>: the newest backup before the target and the binary
/// logs up to it, onto an empty data directory, while the platform is down (see <see cref="PointInTimeRestore"/>).
/// </summary>
public static class RestoreCommand
{
    public const string Name = "restore";

    public static Command Create()
    {
        var directory = BackupCommand.DirectoryOption("where the backups are (default: the state directory's backups/)");
        var to = new Option<string>("--to") { Description = "restore what was committed before this UTC time, e.g. 2026-12-07T03:00:00Z (default: everything)" };
        var toGtid = new Option<string>("--to-gtid") { Description = "restore up to and including this GTID, e.g. 0-1-4711" };
        var command = new Command(Name, "restore MariaDB from the backups and binary logs onto an empty data directory, to the latest point or "
            + "to --to TIME / --to-gtid GTID; the platform must be down") { directory, to, toGtid };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = CliHost.Settings();
            var layout = settings.Layout;
            RestoreTarget target;
            try
            {
                target = RestoreTarget.Parse(parse.GetValue(to), parse.GetValue(toGtid), DateTime.UtcNow);
            }
            catch (ArgumentException e)
            {
                throw new PlatformException(e.Message, e);
            }

            var backups = BackupCommand.ResolveDirectory(parse.GetValue(directory), layout);
            if (!Directory.Exists(backups))
            {
                throw new PlatformException($"there are no backups in {backups} (no such directory); give --dir where they are");
            }

            await RefuseWhileRunningAsync(layout);
            await new PointInTimeRestore(MariaDbService.ConfigFile(layout.Root), MariaDbService.Files(layout), MariaDbService.Root(layout).Password, backups, layout.State, Narrator.Console)
            {
                RestoredMarker = layout.RestoredMarker,
            }.RunAsync(target, cancellationToken);
            Narrator.Console.Info("done: './platform up' starts the platform on the restored data; then take a backup at once ('./platform backup'), which starts a new chain");
            return 0;
        });
        return command;
    }

    /// <summary>A restore under a running server would be overwritten by it, or overwrite it.</summary>
    private static async Task RefuseWhileRunningAsync(StateLayout layout)
    {
        if (new ProcessTable(layout).RunningPid(ProcessNames.MariaDb) is { } pid)
        {
            throw new PlatformException($"MariaDB is running (pid {pid}); stop the platform first ('./platform down'), then restore");
        }

        if (await MariaDbService.PingAsync(MariaDbService.Root(layout)))
        {
            throw new PlatformException($"a MariaDB server answers on {layout.Display(layout.MariaDbSocket)} though the platform did not start it; stop it first, then restore");
        }
    }
}
