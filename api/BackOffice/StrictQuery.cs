using System.Globalization;
using System.Text;

namespace Platform.Api.BackOffice;

/// <summary>
/// The back office reads its query strings strictly: each parameter at most once, none it does not know
/// (a misspelt filter would otherwise silently widen an answer), every value checked for its length and
/// form before any database work.
/// </summary>
public static class StrictQuery
{
    /// <summary>Longest value any parameter may have (an email's 254 is the longest real one).</summary>
    public const int MaxValueLength = 256;

    /// <summary>Adds to <paramref name="errors"/> each parameter that is unknown, repeated or too long.</summary>
    public static void Check(IQueryCollection query, IEnumerable<QueryParameter> parameters, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        var known = parameters.Select(p => p.Name).ToList();
        foreach (var (name, values) in query)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
                errors[Shown(name)] = [$"is not a parameter here (known: {string.Join(", ", known)})"];
            else if (values.Count > 1)
                errors[name] = ["must be given at most once"];
            else if (values.ToString().Length > MaxValueLength)
                errors[name] = [$"must be at most {MaxValueLength} characters"];
        }
    }

    /// <summary>The parameter's value; null when absent or empty.</summary>
    public static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && value.ToString().Length > 0 ? value.ToString() : null;

    /// <summary>A date (yyyy-MM-dd) from 2000 to 2200.</summary>
    public static DateOnly? Date(IQueryCollection query, string name, Dictionary<string, string[]> errors, bool required = false)
    {
        var text = Text(query, name);
        if (text is null)
        {
            if (required)
                errors[name] = ["is required: a date (yyyy-MM-dd)"];
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year is >= 2000 and <= 2200)
            return date;
        errors[name] = ["must be a date (yyyy-MM-dd) from 2000 to 2200"];
        return null;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; <paramref name="fallback"/> when absent.</summary>
    public static int Whole(IQueryCollection query, string name, int min, int max, int fallback, Dictionary<string, string[]> errors)
    {
        var text = Text(query, name);
        if (text is null)
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors[name] = [$"must be a whole number from {min} to {max}"];
        return fallback;
    }

    // A parameter's name as an error key: never more than 64 characters, never a control character.
    private static string Shown(string name)
    {
        var shown = new StringBuilder();
        foreach (var c in name.Take(64))
            shown.Append(char.IsControl(c) ? '?' : c);
        return shown.ToString();
    }
}

/// <summary>A query parameter an endpoint reads itself: its name (what <see cref="StrictQuery.Check"/> admits) and what it means (the OpenAPI document's).</summary>
public sealed record QueryParameter(string Name, string Description);
