using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Platform.Api.Accommodations;
using Platform.Api.Bulkheads;
using Platform.Api.Database;
using Platform.Api.Deadlines;
using Platform.Api.Reservations;
using Platform.Api.Tests.Contract;
using Platform.Testing;

namespace Platform.Api.Tests.Writer;

/// <summary>
/// The writer in-process against the real database, with its code source scripted to collide:
/// the only way to make a 40-bit random code repeat on demand.
/// </summary>
public class CodeCollisionTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private static readonly Accommodation Accommodation42 = new() { Id = 42, Capacity = 6, NightlyPrice = 100m, WeekendPrice = 125m };

    [Fact]
    public async Task A_taken_code_is_replaced_and_the_write_retried()
    {
        var taken = (string)(await CreateAsync(NewStay()))["code"]!;
        var codes = new Queue<string>([taken, taken, "Z0Z0Z0Z0"]);
        await using var database = new MySqlDataSource(Cluster.Database.AppConnectionString);
        var writer = Writer(database, codes.Dequeue);

        var outcome = await writer.CreateAsync(Request(StayAt(42)), Accommodation42, null, TestIdentity.DefaultClient, null, HoldCharge.None, Deadline(), Cancellation);

        var created = Assert.IsType<CreateOutcome.Created>(outcome);
        Assert.Equal("Z0Z0Z0Z0", created.Reservation.Code);
        Assert.Empty(codes);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE code = @taken", new { taken }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox WHERE reservation_code = 'Z0Z0Z0Z0'"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE code = 'Z0Z0Z0Z0' AND owner_client = @owner",
            new { owner = TestIdentity.DefaultClient }));
    }

    [Fact]
    public async Task A_code_source_that_only_repeats_gives_up_after_bounded_attempts_and_writes_nothing()
    {
        var taken = (string)(await CreateAsync(NewStay()))["code"]!;
        var drawn = 0;
        await using var database = new MySqlDataSource(Cluster.Database.AppConnectionString);
        var writer = Writer(database, () => { drawn++; return taken; });
        var stay = StayAt(42);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            writer.CreateAsync(Request(stay), Accommodation42, null, TestIdentity.DefaultClient, null, HoldCharge.None, Deadline(), Cancellation));
        Assert.Equal(5, drawn);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservation_nights WHERE accommodation_id = 42 AND night = @night",
            new { night = stay.CheckIn.ToDateTime(TimeOnly.MinValue) }));
    }

    private static ReservationWriter Writer(MySqlDataSource database, Func<string> codes) =>
        new(database, new WriteBatches(), new SessionKiller(database, NullLogger<SessionKiller>.Instance), TimeProvider.System, Options.Create(new ReservationOptions()), NullLogger<ReservationWriter>.Instance, codes);

    private static RequestDeadline Deadline() => new(DateTimeOffset.UtcNow.AddSeconds(30), WorkClass.Write, TimeProvider.System);

    private static NewReservation Request(Stay stay) =>
        new(stay.AccommodationId, "Collision Test", "c@example.com", ReservationRequest.NewPhone(), stay.CheckIn, stay.CheckOut, 2);
}
