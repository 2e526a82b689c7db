using System.Globalization;

namespace Platform.Load.Reporting;

/// <summary>RFC 4180 fields: quoted when they hold a comma, a quote or a line break, quotes doubled.</summary>
public static class Csv
{
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static string Number(double value) =>
        double.IsNaN(value) ? "" : value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Line(params string?[] fields) => string.Join(',', fields.Select(Field));
}
