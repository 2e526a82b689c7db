namespace Platform.Load.Workload;

/// <summary>A stay to book: accommodation, nights [CheckIn, CheckOut), and the guest's phone.</summary>
public sealed record Stay(int AccommodationId, DateOnly CheckIn, DateOnly CheckOut, string GuestPhone);

/// <summary>
/// Fresh stays that never collide with each other: stay k of the run goes to block k / 1000 (four days
/// wide, so 1-3 nights fit with a random start) and to accommodation (k mod 1000) · 337 + block · 101
/// (mod 1000), a permutation of 1..1000 for every block. The window starts at <see cref="WindowStart"/>,
/// in a stretch of <see cref="Audit.ReservationAudit.WindowDays"/> days no stored stay occupies, so it is unique to the run;
/// guests' phones are unique too. Blocks wrap around within the window, so no run however long computes a
/// date past it (beyond 1.8 million creates a run would meet its own stays: 409s, never a crash).
/// </summary>
public sealed class StayPlanner(DateOnly windowStart, int runSeed)
{
    public const int Accommodations = 1000;
    private const int BlockDays = 4;
    private const long Blocks = Audit.ReservationAudit.WindowDays / BlockDays;
    private long _next = -1;

    public DateOnly WindowStart { get; } = windowStart;

    public Stay Next()
    {
        var k = Interlocked.Increment(ref _next);
        var block = k / Accommodations % Blocks;
        var accommodation = (int)(((k % Accommodations) * 337 + block * 101) % Accommodations) + 1;
        var nights = Random.Shared.Next(1, 4);
        var start = Random.Shared.Next(0, BlockDays - nights + 1);
        var checkIn = WindowStart.AddDays((int)(block * BlockDays) + start);
        return new Stay(accommodation, checkIn, checkIn.AddDays(nights), Phone(k));
    }

    /// <summary>A guest's phone no other stay of this run has (E.164, 14 digits).</summary>
    public string Phone(long k) => $"+5493{(runSeed % 10_000) * 1_000_000L + k % 1_000_000L:D10}";

    public long Planned => Interlocked.Read(ref _next) + 1;
}
