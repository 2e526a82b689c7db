namespace Platform.Contracts.Reservations;

/// <summary>
/// What a stay costs: weekend nights (Friday and Saturday) at the weekend price. Shared: the API prices
/// every create with it, and the seed (tools/Load/Seeding) prices the stays it writes as the API would.
/// </summary>
public static class StayPrice
{
    public static decimal Total(DateOnly checkIn, int nights, decimal nightlyPrice, decimal weekendPrice)
    {
        var weekend = WeekendNights(checkIn, nights);
        return (nights - weekend) * nightlyPrice + weekend * weekendPrice;
    }

    /// <summary>Friday and Saturday nights among the <paramref name="nights"/> starting at <paramref name="checkIn"/>, counted without walking the days.</summary>
    public static int WeekendNights(DateOnly checkIn, int nights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nights);
        var start = (int)checkIn.DayOfWeek;
        return Count(DayOfWeek.Friday) + Count(DayOfWeek.Saturday);

        // Each full week holds one of each day; the remaining days are a run from `start`.
        int Count(DayOfWeek day) => nights / 7 + (((int)day - start + 7) % 7 < nights % 7 ? 1 : 0);
    }
}
