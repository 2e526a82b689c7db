using Platform.Contracts.Reservations;
using Platform.Topology.Files;

namespace Platform.Load.Seeding;

/// <summary>
/// Realistic stays for one accommodation, walking back in time from the first night it may not book, so
/// that its held and confirmed stays never overlap each other or any stay already there:
/// <list type="bullet">
/// <item>gaps between stays follow the season (short in July, August and December, long in the winter
/// months) and grow with how far ahead the stay is, as bookings thin out;</item>
/// <item>stays of 1 to 14 nights, most of 1 to 4, a week now and then;</item>
/// <item>past stays mostly confirmed, some cancelled or expired; future ones also held (pre-reserved,
/// created in the last minutes, as holds are); cancelled and expired stays hold no nights, so they may
/// lie under others, as a cancelled booking and the next guest's do;</item>
/// <item>created a lead time before check-in (a month on average, never after now), by one of several
/// owner clients (the channels: anonymous guests and the bench's keyed clients).</item>
/// </list>
/// Deterministic for a given <see cref="Random"/>, so a run can be repeated.
/// </summary>
public sealed class StayGenerator(DateTime now, TimeSpan holdTime)
{
    private static readonly (int Nights, int Weight)[] NightWeights =
        [(1, 15), (2, 25), (3, 20), (4, 12), (5, 7), (6, 5), (7, 9), (8, 2), (10, 2), (14, 3)];

    private static readonly (string Owner, int Weight)[] OwnerWeights =
    [
        (Platform.Contracts.Identity.IdentityNames.AnonymousClient, 35), (BenchClients.ClientId(BenchClients.Load), 25),
        (BenchClients.ClientId(BenchClients.Calm(1)), 9), (BenchClients.ClientId(BenchClients.Calm(2)), 9),
        (BenchClients.ClientId(BenchClients.Calm(3)), 9), (BenchClients.ClientId(BenchClients.Noisy), 8),
        (BenchClients.ClientId(BenchClients.Admin), 5),
    ];

    private readonly DateOnly _today = DateOnly.FromDateTime(now);

    /// <summary><paramref name="count"/> stays of <paramref name="accommodation"/>, latest first, with ids from <paramref name="firstId"/> up.</summary>
    public IEnumerable<SeededStay> Stays(SeedAccommodation accommodation, int count, ulong firstId, Random random)
    {
        ArgumentNullException.ThrowIfNull(accommodation);
        ArgumentNullException.ThrowIfNull(random);
        var cursor = accommodation.Before; // the first night no earlier stay may hold
        for (var i = 0; i < count; i++)
        {
            var nights = Pick(NightWeights, random);
            var checkOut = cursor.AddDays(-Gap(cursor, random));
            var checkIn = checkOut.AddDays(-nights);
            var status = Status(checkIn, checkOut, random);
            var (created, expires, updated) = Times(checkIn, status, random);
            var guests = Math.Min(accommodation.Capacity, 1 + (random.Next(4) == 0 ? random.Next(accommodation.Capacity) : random.Next(2)));
            yield return new SeededStay(
                firstId + (ulong)i, status, accommodation.Id, random.Next(SeededGuests.Pool), checkIn, nights, guests,
                StayPrice.Total(checkIn, nights, accommodation.NightlyPrice, accommodation.WeekendPrice),
                Pick(OwnerWeights, random), expires, created, updated);
            if (status is SeededStay.PreReserved or SeededStay.Confirmed)
                cursor = checkIn;
        }
    }

    // Free nights before the cursor: geometric, its mean by season and by how far ahead the stay is.
    private int Gap(DateOnly cursor, Random random)
    {
        var mean = cursor.Month switch
        {
            7 or 8 or 12 => 0.4,
            4 or 5 or 6 or 9 => 1.2,
            _ => 2.5,
        };
        var ahead = cursor.DayNumber - _today.DayNumber;
        if (ahead > 0)
            mean *= 1 + (ahead / 60.0);
        // Inverse transform of a geometric distribution with that mean.
        var p = 1 / (1 + mean);
        return (int)Math.Floor(Math.Log(1 - random.NextDouble()) / Math.Log(1 - p));
    }

    private string Status(DateOnly checkIn, DateOnly checkOut, Random random)
    {
        var roll = random.Next(100);
        if (checkOut <= _today)
            return roll < 85 ? SeededStay.Confirmed : roll < 96 ? SeededStay.Cancelled : SeededStay.Expired;
        if (checkIn <= _today)
            return roll < 95 ? SeededStay.Confirmed : SeededStay.Cancelled;
        return roll < 75 ? SeededStay.Confirmed : roll < 87 ? SeededStay.Cancelled : roll < 92 ? SeededStay.Expired : SeededStay.PreReserved;
    }

    // Created a lead time before check-in and never after now; a hold's expiry follows its creation; the
    // last change is the confirmation (within the hold), the cancellation (later) or the expiry.
    private (DateTime Created, DateTime Expires, DateTime Updated) Times(DateOnly checkIn, string status, Random random)
    {
        DateTime created;
        if (status == SeededStay.PreReserved)
        {
            created = now - (holdTime * random.NextDouble() * 0.9);
        }
        else
        {
            var lead = Math.Min(365, -35 * Math.Log(1 - random.NextDouble()));
            created = checkIn.ToDateTime(TimeOnly.MinValue).AddDays(-lead).AddSeconds(random.Next(86_400));
            // Whatever is not held any more was created at least a hold's time ago.
            if (created > now - holdTime)
                created = now - holdTime - TimeSpan.FromSeconds(random.Next(1, 30 * 86_400));
        }
        created = Microseconds(created);
        var expires = created + holdTime;
        var updated = status switch
        {
            SeededStay.Confirmed => created + (holdTime * random.NextDouble()),
            SeededStay.Cancelled => created + TimeSpan.FromSeconds(random.NextDouble() * Math.Min((now - created).TotalSeconds, 30 * 86_400)),
            SeededStay.Expired => expires,
            _ => created,
        };
        return (created, expires, Microseconds(updated < now ? updated : now));
    }

    // DATETIME(6) keeps microseconds; what is loaded is what is read back.
    private static DateTime Microseconds(DateTime time) => new(time.Ticks - (time.Ticks % 10), time.Kind);

    private static T Pick<T>((T Value, int Weight)[] weights, Random random)
    {
        var roll = random.Next(weights.Sum(w => w.Weight));
        foreach (var (value, weight) in weights)
        {
            if (roll < weight)
                return value;
            roll -= weight;
        }
        return weights[^1].Value;
    }
}
