using System.Globalization;

namespace Platform.Contracts.Identity;

/// <summary>
/// A caller's business-flow limits (docs/api.md, Limits), set per caller in the gateway's policy and
/// carried in the signed header as six comma-separated fields, empty for "no limit":
/// <c>{max active holds},{max held nights},{max nights per reservation},{horizon days},{may confirm 0|1},{hold seconds}</c>.
/// </summary>
public sealed record HoldLimits(int? MaxHolds, int? MaxHeldNights, int? MaxNightsPerReservation, int? HorizonDays, bool MayConfirm, int? HoldSeconds)
{
    /// <summary>No quota, no horizon, may confirm, the replica's own hold time: a keyed client without limits.</summary>
    public static readonly HoldLimits None = new(null, null, null, null, true, null);

    /// <summary>The largest value a field may hold (so that sums in the database and dates cannot overflow).</summary>
    public const int MaxValue = 1_000_000;

    /// <summary>True when holds count against a quota (a counter row is kept for the holder).</summary>
    public bool HasQuota => MaxHolds is not null || MaxHeldNights is not null;

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"{MaxHolds},{MaxHeldNights},{MaxNightsPerReservation},{HorizonDays},{(MayConfirm ? 1 : 0)},{HoldSeconds}");

    public static bool TryParse(ReadOnlySpan<char> text, out HoldLimits limits)
    {
        limits = None;
        Span<Range> fields = stackalloc Range[7];
        if (text.Split(fields, ',') != 6)
            return false;
        if (!TryField(text[fields[0]], out var holds) || !TryField(text[fields[1]], out var nights)
            || !TryField(text[fields[2]], out var perReservation) || !TryField(text[fields[3]], out var horizon)
            || !TryField(text[fields[5]], out var holdSeconds))
            return false;
        var confirm = text[fields[4]];
        if (confirm is not ("0" or "1"))
            return false;
        limits = holds is null && nights is null && perReservation is null && horizon is null && holdSeconds is null && confirm is "1"
            ? None
            : new HoldLimits(holds, nights, perReservation, horizon, confirm is "1", holdSeconds);
        return true;
    }

    private static bool TryField(ReadOnlySpan<char> field, out int? value)
    {
        value = null;
        if (field.IsEmpty)
            return true;
        if (field.Length > 7 || !int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > MaxValue)
            return false;
        value = number;
        return true;
    }
}
