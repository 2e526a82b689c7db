using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using MySqlConnector;
using Platform.Load.Audit;
using Platform.Testing;
using Platform.Topology;

namespace Platform.Load.Tests.Audit;

/// <summary>
/// Where a run's window starts, against a real replica and MariaDB holding what clients may store: a
/// stay at the very end of the calendar (live, cancelled, expired) never crashes the choice nor the
/// audit; live stays are skipped and dead ones ignored; and when live stays leave no free stretch up to
/// the end of the calendar the answer is one operator's error, not an exception from date arithmetic.
/// </summary>
public sealed class RunWindowTests
{
    private static readonly DateOnly Floor = ReservationAudit.WindowFloor;

    [Fact]
    public async Task A_stay_in_december_9999_live_cancelled_or_expired_leaves_the_window_where_it_was()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var audit = new ReservationAudit(cluster.Database.AppConnectionString, cluster.Redis.ConnectionString);
        Assert.Equal(Floor, await audit.FreeWindowStartAsync());

        // What any client could do before a horizon existed: the API takes the last two days of the calendar.
        var streamStart = await audit.StreamEndAsync();
        using var client = cluster.Replicas[0].CreateClient();
        var code = await CreateAsync(client, new DateOnly(9999, 12, 30), new DateOnly(9999, 12, 31), cancel);
        await AssertWindowAndAuditAsync();
        await ExecuteAsync(cluster, "UPDATE reservations SET status = 'confirmed' WHERE code = @code", cancel, ("@code", code));
        await AssertWindowAndAuditAsync();
        using (var cancelled = await client.PostAsync(new Uri($"/api/v1/reservations/{code}/cancel", UriKind.Relative), null, cancel))
            await HttpAnswers.ExpectAsync(cancelled, HttpStatusCode.OK, cancel);
        await AssertWindowAndAuditAsync();
        await ExecuteAsync(cluster, "UPDATE reservations SET status = 'expired' WHERE code = @code", cancel, ("@code", code));
        await AssertWindowAndAuditAsync();

        async Task AssertWindowAndAuditAsync()
        {
            var window = await audit.FreeWindowStartAsync();
            Assert.Equal(Floor, window);
            Assert.All(await audit.RunAsync([code], window, streamStart, TimeSpan.FromSeconds(30)), v => Assert.True(v.Passed, v.Markdown));
        }
    }

    [Fact]
    public async Task The_window_skips_the_nights_live_stays_occupy_and_ignores_cancelled_and_expired_ones()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var audit = new ReservationAudit(cluster.Database.AppConnectionString, cluster.Redis.ConnectionString);
        using var client = cluster.Replicas[0].CreateClient();

        // Dead stays over the floor: ignored.
        var cancelled = await CreateAsync(client, Floor, Floor.AddDays(20), cancel);
        var expired = await CreateAsync(client, Floor.AddDays(20), Floor.AddDays(30), cancel, accommodationId: 2);
        using (var answer = await client.PostAsync(new Uri($"/api/v1/reservations/{cancelled}/cancel", UriKind.Relative), null, cancel))
            await HttpAnswers.ExpectAsync(answer, HttpStatusCode.OK, cancel);
        await ExecuteAsync(cluster, "UPDATE reservations SET status = 'expired' WHERE code = @code", cancel, ("@code", expired));
        Assert.Equal(Floor, await audit.FreeWindowStartAsync());

        // A live stay on the floor moves the window past it; a second one a few days later, too close
        // to leave the window its room, moves it past that one as well.
        await CreateAsync(client, Floor, Floor.AddDays(4), cancel, accommodationId: 5);
        Assert.Equal(Floor.AddDays(4), await audit.FreeWindowStartAsync());
        await CreateAsync(client, Floor.AddDays(10), Floor.AddDays(12), cancel, accommodationId: 3);
        Assert.Equal(Floor.AddDays(12), await audit.FreeWindowStartAsync());

        // A live stay far enough beyond leaves the gap before it as the window.
        await CreateAsync(client, Floor.AddDays(12 + ReservationAudit.WindowDays), Floor.AddDays(13 + ReservationAudit.WindowDays), cancel, accommodationId: 4);
        Assert.Equal(Floor.AddDays(12), await audit.FreeWindowStartAsync());
    }

    [Fact]
    public async Task Live_stays_that_leave_no_free_stretch_up_to_the_end_of_the_calendar_are_one_operators_error()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cluster = await ApiCluster.StartAsync(replicas: 1);
        var audit = new ReservationAudit(cluster.Database.AppConnectionString, cluster.Redis.ConnectionString);

        // One live night every window-minus-a-day from the floor to the end of the calendar: every gap,
        // the last one up to 9999-12-31 included, is a day short of a window.
        var step = ReservationAudit.WindowDays - 1;
        var nights = new List<DateOnly>();
        for (var day = Floor; day < DateOnly.MaxValue; day = DateOnly.MaxValue.DayNumber - day.DayNumber > step ? day.AddDays(step) : DateOnly.MaxValue)
            nights.Add(day);
        for (var i = 0; i < nights.Count; i++)
        {
            await ExecuteAsync(cluster, """
                INSERT INTO reservations (code, status, accommodation_id, guest_name, guest_email, guest_phone, check_in, check_out,
                                          nights, guests, total_price, expires_at, created_at, updated_at)
                VALUES (@code, 'confirmed', 1, 'Window Guest', 'window@example.com', '+5491100000000', @in, @out, 1, 1, 100,
                        UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
                """, cancel, ("@code", string.Create(CultureInfo.InvariantCulture, $"WIN{i:D5}")),
                ("@in", nights[i].ToDateTime(TimeOnly.MinValue)), ("@out", nights[i].AddDays(1).ToDateTime(TimeOnly.MinValue)));
        }

        var error = await Assert.ThrowsAsync<PlatformException>(audit.FreeWindowStartAsync);
        Assert.StartsWith($"no {ReservationAudit.WindowDays} free days for the run's stays from 2100-01-01 on", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);

        // One night freed in the middle is not enough; a whole stretch freed is.
        await ExecuteAsync(cluster, "UPDATE reservations SET status = 'cancelled' WHERE code = 'WIN00001'", cancel);
        Assert.Equal(nights[0].AddDays(1), await audit.FreeWindowStartAsync());
    }

    private static async Task ExecuteAsync(ApiCluster cluster, string sql, CancellationToken cancel, params (string Name, object Value)[] parameters)
    {
        await using var connection = new MySqlConnection(cluster.Database.RootConnectionString);
        await connection.OpenAsync(cancel);
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(cancel));
    }

    private static async Task<string> CreateAsync(HttpClient client, DateOnly checkIn, DateOnly checkOut, CancellationToken cancel, int accommodationId = 1)
    {
        var response = await client.PostAsJsonAsync("/api/v1/reservations", new ReservationRequest(accommodationId, checkIn, checkOut)
        {
            GuestName = "Window Guest",
            GuestEmail = "window@example.com",
            GuestPhone = ReservationRequest.NewPhone(),
        }.ToJson(), cancel);
        var body = await HttpAnswers.ExpectAsync(response, HttpStatusCode.Created, cancel);
        return (string)body["code"]!;
    }
}
