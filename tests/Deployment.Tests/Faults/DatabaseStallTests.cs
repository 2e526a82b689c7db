using System.Diagnostics;
using MySqlConnector;
using Platform.Testing;
using Platform.Topology.Faults;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Faults;

/// <summary>
/// The one database stall on a real MariaDB: under it a write waits (and shows as waiting for a lock) while a
/// plain read goes on; releasing it, disposing it after a failure, or its bound passing lets the write through.
/// </summary>
public sealed class DatabaseStallTests(StallServerFixture fixture) : IClassFixture<StallServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string Root => fixture.Server.RootConnectionString;

    [Fact]
    public async Task A_stall_holds_a_write_while_reads_go_on_and_its_release_lets_the_write_through_at_once()
    {
        var marker = await NewMarkerAsync();
        await using var stall = await DatabaseStall.BeginAsync(Root, Bound, Cancellation);

        var write = InsertAsync(marker);
        Assert.True(await SeenWaitingAsync(stall, marker),
            "the write never showed as waiting for the lock");
        Assert.False(write.IsCompleted, "the write went through the stall");
        Assert.Equal(0, await CountAsync(marker)); // a plain read is not stalled

        var released = Stopwatch.StartNew();
        await stall.ReleaseAsync();
        await write.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        Assert.True(released.Elapsed < TimeSpan.FromSeconds(5), $"the write went through {released.Elapsed} after the release");
        Assert.Equal(1, await CountAsync(marker));
    }

    [Fact]
    public async Task Disposing_the_stall_after_a_failure_releases_it()
    {
        var marker = await NewMarkerAsync();
        Task? write = null;
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var stall = await DatabaseStall.BeginAsync(Root, Bound, Cancellation);
            write = InsertAsync(marker);
            Assert.True(await SeenWaitingAsync(stall, marker),
                "the write never showed as waiting for the lock");
            throw new InvalidOperationException("the test failed under the stall");
        });

        await write!.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        Assert.Equal(1, await CountAsync(marker));
    }

    [Fact]
    public async Task A_stall_nobody_releases_ends_at_its_bound()
    {
        var marker = await NewMarkerAsync();
        await using var stall = await DatabaseStall.BeginAsync(Root, TimeSpan.FromSeconds(2), Cancellation);
        var held = Stopwatch.StartNew();

        await InsertAsync(marker).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);

        Assert.True(held.Elapsed >= TimeSpan.FromSeconds(1.5), $"the write went through after {held.Elapsed}, before the bound");
        Assert.Equal(1, await CountAsync(marker));
    }

    [Fact]
    public async Task A_stall_that_cannot_log_in_as_root_says_the_lock_was_not_taken()
    {
        var nowhere = MariaDbService.RootConnectionString(new MariaDbRoot(Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.sock"), "no-password"));

        var failure = await Assert.ThrowsAsync<FaultInjectionException>(() => DatabaseStall.BeginAsync(nowhere, Bound, Cancellation));

        Assert.StartsWith("FLUSH TABLES WITH READ LOCK was not taken", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A fresh marker, its table made outside any stall (a CREATE would wait for the lock too).</summary>
    private async Task<string> NewMarkerAsync()
    {
        await using var connection = new MySqlConnection(fixture.Server.AppConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var create = new MySqlCommand("CREATE TABLE IF NOT EXISTS stall_probe (marker VARCHAR(64))", connection);
        await create.ExecuteNonQueryAsync(Cancellation);
        return $"stall-{Guid.NewGuid():N}";
    }

    /// <summary>One row written as the API writes, by its user over TCP.</summary>
    private async Task InsertAsync(string marker)
    {
        await using var connection = new MySqlConnection(fixture.Server.AppConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var insert = new MySqlCommand("INSERT INTO stall_probe VALUES (@marker)", connection) { CommandTimeout = 60 };
        insert.Parameters.AddWithValue("@marker", marker);
        await insert.ExecuteNonQueryAsync(Cancellation);
    }

    private async Task<long> CountAsync(string marker)
    {
        await using var connection = new MySqlConnection(fixture.Server.AppConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var count = new MySqlCommand("SELECT COUNT(*) FROM stall_probe WHERE marker = @marker", connection);
        count.Parameters.AddWithValue("@marker", marker);
        return Convert.ToInt64(await count.ExecuteScalarAsync(Cancellation), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Whether the write shows as waiting for a lock within 5 s.</summary>
    private static Task<bool> SeenWaitingAsync(DatabaseStall stall, string marker) =>
        Eventually.HoldsAsync(async () => await stall.WaitingAsync(MariaDbService.AppUser, marker, Cancellation) == 1, TimeSpan.FromSeconds(5));
}
