namespace Platform.Load.Seeding;

/// <summary>
/// Who stays: a pool of guests, each with a name, an email and a phone of their own, so that some come
/// back (a phone lists several reservations, as real ones do). Names include letters outside ASCII, so
/// exports and searches meet UTF-8; every address is under example.com and every phone in a range no
/// carrier hands out, so nothing seeded can reach a real person.
/// </summary>
public static class SeededGuests
{
    /// <summary>How many different guests the seed draws from.</summary>
    public const int Pool = 250_000;

    private static readonly string[] FirstNames =
    [
        "Anna", "Bram", "Chloé", "Daan", "Emma", "Finn", "Greta", "Hugo", "Inès", "Jonas", "Kaja", "Lars", "Maëlle", "Noah",
        "Olivia", "Pieter", "Quinn", "Rosa", "Søren", "Tess", "Umar", "Vera", "Willem", "Xiu", "Yara", "Zoë", "José", "Ngọc",
        "Łukasz", "Aoife", "Björn", "Chiara",
    ];

    private static readonly string[] LastNames =
    [
        "de Vries", "Jansen", "Müller", "García", "Rossi", "Nowak", "O'Brien", "Andersson", "Dubois", "Kowalski", "Nguyen",
        "Smith", "van Dijk", "Bakker", "Visser", "Meijer", "Hansen", "Fernández", "Papadopoulos", "Yılmaz", "Novák", "Silva",
        "Kim", "Sato", "Olsen", "Brouwer", "Mulder", "de Boer", "Peeters", "Schmidt", "Ivanova", "Costa",
    ];

    public static (string Name, string Email, string Phone) Of(int guest)
    {
        var first = FirstNames[guest % FirstNames.Length];
        var last = LastNames[guest / FirstNames.Length % LastNames.Length];
        var email = $"{Ascii(first)}.{Ascii(last)}.{guest.ToString(System.Globalization.CultureInfo.InvariantCulture)}@example.com";
        // +31 6 99 followed by 6 digits: a block no carrier hands out.
        var phone = "+31699" + guest.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        return ($"{first} {last}", email, phone);
    }

    // The email's local part in lower-case ASCII letters only ("Chloé" -> "chlo", "O'Brien" -> "obrien").
    private static string Ascii(string name) => new([.. name.ToLowerInvariant().Where(char.IsAsciiLetterLower)]);
}
