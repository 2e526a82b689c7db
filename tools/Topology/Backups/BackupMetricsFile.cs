using System.Globalization;
using System.Text;
using Platform.Topology.Files;

namespace Platform.Topology.Backups;

/// <summary>
/// The last successful backup, in Prometheus's text format, where node_exporter's textfile collector reads it
/// (<c>--collector.textfile.directory</c>): a backup is a command that runs and exits, so it has no
/// /metrics of its own to scrape, and a pushgateway would be one more server for four numbers. The
/// <c>BackupTooOld</c> alert reads the timestamp, and fires when there is none.
/// </summary>
public static class BackupMetricsFile
{
    public const string FileName = "platform_backup.prom";

    public const string LastSuccess = "platform_backup_last_success_timestamp_seconds";

    public static void Write(string directory, BackupRecord record, int backupsInChain)
    {
        static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        var text = new StringBuilder()
            .AppendLine($"# HELP {LastSuccess} When the last backup finished (Unix time); written by ./platform backup.")
            .AppendLine($"# TYPE {LastSuccess} gauge")
            .AppendLine($"{LastSuccess} {Number(new DateTimeOffset(record.FinishedAt, TimeSpan.Zero).ToUnixTimeMilliseconds() / 1000.0)}")
            .AppendLine("# HELP platform_backup_last_size_bytes The size of the last backup, its copy of the data and the binary logs it saved.")
            .AppendLine("# TYPE platform_backup_last_size_bytes gauge")
            .AppendLine($"platform_backup_last_size_bytes {Number(record.Bytes)}")
            .AppendLine("# HELP platform_backup_last_duration_seconds How long the last backup took.")
            .AppendLine("# TYPE platform_backup_last_duration_seconds gauge")
            .AppendLine($"platform_backup_last_duration_seconds {Number(record.Seconds)}")
            .AppendLine("# HELP platform_backup_chain_backups Backups in the current chain (1 after a full backup); a restore applies all but the first as incrementals.")
            .AppendLine("# TYPE platform_backup_chain_backups gauge")
            .AppendLine($"platform_backup_chain_backups {backupsInChain.ToString(CultureInfo.InvariantCulture)}");
        // Written whole through a rename: the collector must never read half a file.
        AtomicFile.Write(Path.Combine(directory, FileName), text.ToString());
    }
}
