using System.Globalization;

namespace Platform.Load.Wrk;

/// <summary>
/// The <c>BENCH key=value …</c> line that tools/Bench/create.lua and health.lua print from wrk's <c>done()</c>:
/// the figures of one wrk run (requests, rps, p50_ms, p99_ms, non2xx, statuses…). wrk's own summary above
/// it is for people; the line is what the bench commands read, so the Lua owns the figures' definitions.
/// </summary>
public sealed class BenchLine
{
    public const string Prefix = "BENCH ";

    private readonly List<KeyValuePair<string, string>> _fields;

    private BenchLine(string text, List<KeyValuePair<string, string>> fields) => (Text, _fields) = (text, fields);

    /// <summary>The line as wrk printed it (with any field <see cref="With"/> added).</summary>
    public string Text { get; }

    /// <summary>The last BENCH line of <paramref name="wrkOutput"/>, or null when it has none (wrk failed before done()).</summary>
    public static BenchLine? FromOutput(string wrkOutput)
    {
        var line = wrkOutput.ReplaceLineEndings("\n").Split('\n').LastOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return line is null ? null : Parse(line.TrimEnd());
    }

    /// <summary>One BENCH line; words without '=' are ignored, as the scripts' field lookup ignored them.</summary>
    public static BenchLine Parse(string line)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                fields.Add(new(word[..equals], word[(equals + 1)..]));
        }
        return new BenchLine(line, fields);
    }

    /// <summary>The first value of <paramref name="key"/>, or null.</summary>
    public string? Field(string key) => _fields.FirstOrDefault(field => field.Key == key).Value;

    /// <summary>The value of <paramref name="key"/> as a number; 0 when it is missing or not a number, as awk read it.</summary>
    public double Number(string key) =>
        double.TryParse(Field(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>This line with <paramref name="key"/>=<paramref name="value"/> appended.</summary>
    public BenchLine With(string key, string value) => Parse($"{Text} {key}={value}");

    public override string ToString() => Text;
}
