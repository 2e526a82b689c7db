using System.Buffers;
using System.Globalization;
using System.Text;

namespace Platform.Api.Reservations;

/// <summary>
/// What a stored name or address may hold beyond being non-blank: no control characters, no format
/// characters (Unicode category Cf: the bidi overrides and isolates U+202A–U+202E and U+2066–U+2069,
/// zero-width space, BOM, soft hyphen...) that let a value read differently from what it holds in every
/// tool that shows it, and nothing that is not a character at all (a lone surrogate, a noncharacter).
/// ZWNJ (U+200C) and ZWJ (U+200D) stay: Persian and Indic names need them to be spelled right.
/// </summary>
/// <remarks>
/// Written by hand because neither the BCL nor ASP.NET Core validates text by Unicode category; the
/// category table itself is the runtime's (<see cref="Rune.GetUnicodeCategory"/>).
/// </remarks>
public static class FreeText
{
    private const int ZeroWidthNonJoiner = 0x200C;
    private const int ZeroWidthJoiner = 0x200D;

    public static bool IsClean(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done)
                return false; // a lone surrogate: not text, and invalid in the UTF-8 the database stores
            if (!IsAllowed(rune))
                return false;
            rest = rest[used..];
        }

        return true;
    }

    private static bool IsAllowed(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control => false,
        UnicodeCategory.Format => rune.Value is ZeroWidthNonJoiner or ZeroWidthJoiner,
        _ => !IsNoncharacter(rune.Value),
    };

    /// <summary>U+FDD0–U+FDEF and the last two code points of every plane: never assigned, never text.</summary>
    private static bool IsNoncharacter(int value) =>
        value is >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE;
}
