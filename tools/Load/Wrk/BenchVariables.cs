using System.Globalization;

namespace Platform.Load.Wrk;

/// <summary>
/// The wrk benches' settings are <c>BENCH_*</c> environment variables, as they were when the benches were
/// bash scripts, so that the commands recorded in BENCHMARKS.md and docs/benchmarks/ still mean the same.
/// Read here with their defaults and bounds, and refused with a message naming the variable.
/// </summary>
public sealed class BenchVariables(Func<string, string?> variable)
{
    /// <summary>The variable's text, or <paramref name="fallback"/> when it is unset or empty (as bash's <c>${X:-fallback}</c>).</summary>
    public string Text(string name, string fallback) => variable(name) is { Length: > 0 } text ? text : fallback;

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when unset.</summary>
    /// <exception cref="ArgumentException">The text is not such a number; the message names the variable.</exception>
    public int Whole(string name, int fallback, int min, int max)
    {
        if (variable(name) is not { Length: > 0 } text)
            return fallback;
        return text.Length <= 9 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max} (got '{text}')");
    }

    /// <summary>The variable's words (split on blanks), or <paramref name="fallback"/>'s when it is unset.</summary>
    public IReadOnlyList<string> Words(string name, string fallback) =>
        Text(name, fallback).Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
}
