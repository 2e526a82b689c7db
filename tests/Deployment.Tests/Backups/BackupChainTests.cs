using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Backups;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Backups;

/// <summary>
/// What restore makes of a backup directory before it touches anything: a chain is read link by link, and
/// a gap (an incremental that does not start where the one before ended, a binary log missing, a backup
/// left half-written) ends it there and is refused with its name.
/// </summary>
public sealed class BackupChainTests : IDisposable
{
    private static readonly DateTime Finished = new(2026, 12, 7, 1, 0, 0, DateTimeKind.Utc);

    private readonly ScratchDirectory _scratch = ScratchDirectory.Create("platform-backup-chain-");

    private string Backups => _scratch.Combine("backups");

    public void Dispose() => _scratch.Delete();

    [Fact]
    public void A_whole_chain_is_read_in_order_and_planned_from_its_last_backup()
    {
        Write("0000-full", Record(BackupRecord.Full, 0, 100, binlog: 1, saved: [1, 2]));
        Write("0001-incremental", Record(BackupRecord.Incremental, 100, 200, binlog: 3, saved: [3]));
        Write(".incomplete-abc", Record(BackupRecord.Incremental, 200, 300, binlog: 4, saved: []));

        var chain = Assert.Single(BackupChain.ReadAll(Backups));
        Assert.Empty(chain.Problems);
        Assert.Equal(2, chain.Backups.Count);
        var plan = Restore().Plan(RestoreTarget.Latest);
        Assert.EndsWith("0001-incremental", plan.Base.Directory, StringComparison.Ordinal);
        Assert.Equal(["mariadb-bin.000003"], plan.Binlogs.Select(Path.GetFileName));
    }

    [Fact]
    public void An_incremental_that_does_not_start_where_the_one_before_ended_is_a_gap()
    {
        Write("0000-full", Record(BackupRecord.Full, 0, 100, binlog: 1, saved: [1]));
        Write("0001-incremental", Record(BackupRecord.Incremental, 150, 200, binlog: 2, saved: [2]));

        var chain = Assert.Single(BackupChain.ReadAll(Backups));
        Assert.Contains("log sequence number 150", Assert.Single(chain.Problems), StringComparison.Ordinal);
        var error = Assert.Throws<PlatformException>(() => Restore().Plan(RestoreTarget.Latest));
        Assert.Contains("has a gap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_binary_log_missing_from_a_backup_is_a_gap()
    {
        Write("0000-full", Record(BackupRecord.Full, 0, 100, binlog: 1, saved: [1, 2]));
        File.Delete(Path.Combine(Backups, "chain-a", "0000-full", BackupRecord.BinlogsDirectory, "mariadb-bin.000002"));

        var chain = Assert.Single(BackupChain.ReadAll(Backups));
        Assert.Contains("lacks the binary log mariadb-bin.000002", Assert.Single(chain.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_binary_log_neither_saved_nor_live_is_a_gap_named_in_the_refusal()
    {
        Write("0000-full", Record(BackupRecord.Full, 0, 100, binlog: 1, saved: [1]));
        Directory.CreateDirectory(_scratch.Combine("binlog"));
        File.WriteAllText(Path.Combine(_scratch.Combine("binlog"), "mariadb-bin.000003"), "");

        var error = Assert.Throws<PlatformException>(() => Restore().Plan(RestoreTarget.Latest));
        Assert.Contains("mariadb-bin.000002 is in no backup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_backup_without_its_record_ends_the_chain_and_an_incremental_alone_is_no_chain()
    {
        Write("0000-full", Record(BackupRecord.Full, 0, 100, binlog: 1, saved: [1]));
        Directory.CreateDirectory(Path.Combine(Backups, "chain-a", "0001-incremental"));
        Write("0000-incremental", Record(BackupRecord.Incremental, 0, 100, binlog: 1, saved: []), chain: "chain-b");

        var chains = BackupChain.ReadAll(Backups);
        Assert.Contains("not a finished backup", Assert.Single(chains[0].Problems), StringComparison.Ordinal);
        Assert.Contains("no full backup before it", Assert.Single(chains[1].Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_record_is_named()
    {
        Write("0000-full", Record(BackupRecord.Full, 0, 100, binlog: 1, saved: [1]));
        File.WriteAllText(Path.Combine(Backups, "chain-a", "0000-full", BackupRecord.FileName), "{ not json");

        Assert.Contains("the backup is damaged", Assert.Single(Assert.Single(BackupChain.ReadAll(Backups)).Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_or_gtid_before_the_oldest_backup_and_an_empty_directory_are_refused()
    {
        var empty = Assert.Throws<PlatformException>(() => Restore().Plan(RestoreTarget.Latest));
        Assert.Contains("no backup to restore from", empty.Message, StringComparison.Ordinal);

        Write("0000-full", Record(BackupRecord.Full, 0, 100, binlog: 1, saved: [1]) with { Gtid = "0-1-50" });
        var time = Assert.Throws<PlatformException>(() => Restore().Plan(new RestoreTarget(Finished.AddSeconds(-1), null)));
        Assert.Contains("before the oldest backup", time.Message, StringComparison.Ordinal);
        var gtid = Assert.Throws<PlatformException>(() => Restore().Plan(new RestoreTarget(null, new Gtid(0, 1, 49))));
        Assert.Contains("before the oldest backup", gtid.Message, StringComparison.Ordinal);
        Assert.EndsWith("0000-full", Restore().Plan(new RestoreTarget(null, new Gtid(0, 1, 50))).Base.Directory, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_directory_that_is_not_empty_is_refused_and_left_as_it_was()
    {
        Write("0000-full", Record(BackupRecord.Full, 0, 100, binlog: 1, saved: [1]));
        Directory.CreateDirectory(_scratch.Combine("data"));
        File.WriteAllText(Path.Combine(_scratch.Combine("data"), "ibdata1"), "keep me");

        var error = Assert.Throws<PlatformException>(() => Restore().Plan(RestoreTarget.Latest));
        Assert.Contains("is not empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("move it away", error.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(_scratch.Combine("data"), "ibdata1")));
    }

    private PointInTimeRestore Restore() => new(
        "/none/mariadb.cnf",
        new MariaDbFiles(_scratch.Combine("data"), _scratch.Combine("s.sock"), _scratch.Combine("tmp"), _scratch.Combine("pid"), _scratch.Combine("log"), _scratch.Combine("binlog")),
        "unused-root-password", Backups, _scratch.Path, Narrator.Silent);

    private static BackupRecord Record(string kind, ulong from, ulong to, int binlog, int[] saved) =>
        new(kind, Finished.AddMinutes(-1), Finished, from, to, BinlogFile.Name(binlog), 4, "", [.. saved.Select(BinlogFile.Name)], 1, 1);

    private void Write(string name, BackupRecord record, string chain = "chain-a")
    {
        var directory = Path.Combine(Backups, chain, name);
        Directory.CreateDirectory(Path.Combine(directory, BackupRecord.BinlogsDirectory));
        foreach (var binlog in record.Binlogs)
        {
            File.WriteAllText(Path.Combine(directory, BackupRecord.BinlogsDirectory, binlog), "");
        }

        record.Write(directory);
    }
}
