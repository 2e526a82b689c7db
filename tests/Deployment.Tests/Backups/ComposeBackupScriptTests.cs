using System.Globalization;
using MySqlConnector;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Backups;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Backups;

/// <summary>
/// Compose's backup service runs api/Database/backup.sh, not the .NET command line: run here once against a
/// real server, what it writes must be a chain <c>./platform restore</c> reads and restores from, and a
/// metrics file in the format the BackupTooOld alert reads.
/// </summary>
public sealed class ComposeBackupScriptTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task What_the_compose_backup_writes_is_a_chain_restore_reads_and_restores_from()
    {
        RequiredServer.Locate(MariaDbBackupService.Backup);
        await using var database = await MariaDbServer.StartAsync();
        var scratch = ScratchDirectory.Create("platform-compose-backup-");
        try
        {
            await ExecuteAsync(database, "CREATE TABLE platform.drill (id INT PRIMARY KEY); INSERT INTO platform.drill VALUES (1)");
            var backups = scratch.Combine("backups with space");
            var metrics = scratch.Combine("metrics");
            var (exitCode, output) = await ChildProcess.RunAsync("bash", [RepositoryRoot.Combine("api", "Database", "backup.sh")], TimeSpan.FromMinutes(2),
                new Dictionary<string, string>
                {
                    ["MARIADB_SOCKET"] = database.Files.Socket,
                    ["MARIADB_ROOT_PASSWORD_FILE"] = database.RootPasswordFile,
                    ["BACKUP_DIR"] = backups,
                    ["METRICS_DIR"] = metrics,
                    ["PLATFORM_BACKUP_INTERVAL"] = "0",
                });
            Assert.True(exitCode == 0, output);

            var chain = Assert.Single(BackupChain.ReadAll(backups));
            Assert.Empty(chain.Problems);
            var full = Assert.Single(chain.Backups).Record;
            Assert.Equal(BackupRecord.Full, full.Kind);
            Assert.NotEmpty(full.Binlogs);
            Assert.True(full.FinishedAt > DateTime.UtcNow.AddMinutes(-2) && full.FinishedAt <= DateTime.UtcNow, $"finished at {full.FinishedAt:O}");
            var text = await File.ReadAllTextAsync(Path.Combine(metrics, BackupMetricsFile.FileName), Cancellation);
            var line = Assert.Single(text.Split('\n'), l => l.StartsWith(BackupMetricsFile.LastSuccess + " ", StringComparison.Ordinal));
            var seconds = long.Parse(line[(BackupMetricsFile.LastSuccess.Length + 1)..], CultureInfo.InvariantCulture);
            Assert.InRange(seconds, new DateTimeOffset(full.FinishedAt).ToUnixTimeSeconds() - 1, new DateTimeOffset(full.FinishedAt).ToUnixTimeSeconds());

            await ExecuteAsync(database, "INSERT INTO platform.drill VALUES (2)");
            await database.KillAsync();
            Directory.Delete(database.DataDirectory, recursive: true);
            await new PointInTimeRestore(MariaDbService.ConfigFile(RepositoryRoot.Path), database.Files, database.Root.Password, backups, scratch.Path, Narrator.Silent)
                .RunAsync(RestoreTarget.Latest, Cancellation);
            await database.StartAgainAsync();
            await using var connection = new MySqlConnection(database.RootConnectionString);
            await connection.OpenAsync(Cancellation);
            await using var count = new MySqlCommand("SELECT COUNT(*) FROM platform.drill", connection);
            Assert.Equal(2L, Convert.ToInt64(await count.ExecuteScalarAsync(Cancellation), CultureInfo.InvariantCulture));
        }
        finally
        {
            scratch.Delete();
        }
    }

    [Theory]
    [InlineData("MARIADB_ROOT_PASSWORD_FILE", "/nonexistent/root-password")]
    [InlineData("PLATFORM_BACKUP_INTERVAL", "1h")]
    [InlineData("PLATFORM_BACKUP_INTERVAL", "-5")]
    [InlineData("PLATFORM_BACKUP_KEEP_CHAINS", "0")]
    [InlineData("PLATFORM_BACKUP_KEEP_CHAINS", "2; rm -rf /")]
    public async Task A_bad_setting_stops_the_service_naming_it(string variable, string value)
    {
        var (exitCode, output) = await ChildProcess.RunAsync("bash", [RepositoryRoot.Combine("api", "Database", "backup.sh")], TimeSpan.FromSeconds(30),
            new Dictionary<string, string> { [variable] = value, ["BACKUP_DIR"] = "/nonexistent", ["METRICS_DIR"] = "/nonexistent" });
        Assert.Equal(64, exitCode);
        Assert.Contains($"{variable} must be", output, StringComparison.Ordinal);
    }

    private static async Task ExecuteAsync(MariaDbServer database, string sql)
    {
        await using var connection = new MySqlConnection(database.RootConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancellation);
    }
}
