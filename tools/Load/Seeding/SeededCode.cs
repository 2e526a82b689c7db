namespace Platform.Load.Seeding;

/// <summary>
/// A seeded reservation's code, made from its id: ids are unique, so codes are too, across every seed run
/// and without a read to find out. The id is mixed by a bijection on 40 bits (an odd multiplier, then an
/// exclusive or), so neighbouring ids get unrelated-looking codes, and written in the API's 32 letters
/// and digits (8 of them hold exactly 40 bits). A create's random code that happens to meet one is
/// retried by the API as any code collision is.
/// </summary>
public static class SeededCode
{
    // ReservationCode's alphabet (api/Reservations/ReservationCode.cs): no I, L, O or U.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const ulong Mask = (1UL << 40) - 1;
    private const ulong Multiplier = 0x9E3779B97F4A7C15UL & Mask | 1;
    private const ulong Salt = 0x5DEECE66DUL;

    public static string Of(ulong id)
    {
        var mixed = ((id * Multiplier) & Mask) ^ Salt;
        Span<char> code = stackalloc char[8];
        for (var i = 7; i >= 0; i--)
        {
            code[i] = Alphabet[(int)(mixed & 31)];
            mixed >>= 5;
        }
        return new string(code);
    }
}
