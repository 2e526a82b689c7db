using System.Text;

namespace Platform.Observability.Tests.Live;

/// <summary>
/// The vector selectors of a PromQL expression (<c>name{matchers}</c>), found by a small scanner:
/// names followed by <c>(</c> are functions, aggregation operators and keywords are skipped with
/// their label lists, ranges, numbers, durations and strings are stepped over. Enough for the
/// expressions in our rules and dashboards; not a PromQL parser.
/// </summary>
public static class PromQlSelectors
{
    private static readonly HashSet<string> Aggregations =
        ["sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"];

    private static readonly HashSet<string> LabelListKeywords = ["by", "without", "on", "ignoring", "group_left", "group_right"];

    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"];

    public static IReadOnlyList<string> Extract(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var selectors = new List<string>();
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c is '"' or '\'' or '`')
            {
                i = SkipString(expression, i);
            }
            else if (c == '[')
            {
                i = SkipPast(expression, i, '[', ']');
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < expression.Length && char.IsAsciiDigit(expression[i + 1])))
            {
                while (i < expression.Length && (char.IsAsciiLetterOrDigit(expression[i]) || expression[i] is '.' or '_'))
                    i++;
            }
            else if (c == '{')
            {
                i = SkipPast(expression, i, '{', '}'); // a selector without a metric name: not ours to check
            }
            else if (char.IsAsciiLetter(c) || c is '_' or ':')
            {
                var start = i;
                while (i < expression.Length && (char.IsAsciiLetterOrDigit(expression[i]) || expression[i] is '_' or ':'))
                    i++;
                var name = expression[start..i];
                var next = SkipSpaces(expression, i);
                if (LabelListKeywords.Contains(name))
                {
                    if (next < expression.Length && expression[next] == '(')
                        i = SkipPast(expression, next, '(', ')');
                }
                else if (Aggregations.Contains(name) || Keywords.Contains(name.ToLowerInvariant()))
                {
                    // An operator: its argument list or label list follows.
                }
                else if (next < expression.Length && expression[next] == '(')
                {
                    // A function call.
                }
                else if (next < expression.Length && expression[next] == '{')
                {
                    var end = SkipPast(expression, next, '{', '}');
                    selectors.Add(new StringBuilder(name).Append(expression[next..end]).ToString());
                    i = end;
                }
                else
                {
                    selectors.Add(name);
                }
            }
            else
            {
                i++;
            }
        }

        return selectors.Distinct(StringComparer.Ordinal).ToList();
    }

    private static int SkipSpaces(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
            i++;
        return i;
    }

    private static int SkipString(string text, int i)
    {
        var quote = text[i++];
        while (i < text.Length && text[i] != quote)
            i += text[i] == '\\' ? 2 : 1;
        return Math.Min(i + 1, text.Length);
    }

    /// <summary>From an opening bracket to just past its match, stepping over strings.</summary>
    private static int SkipPast(string text, int i, char open, char close)
    {
        var depth = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'' or '`')
            {
                i = SkipString(text, i);
                continue;
            }

            if (c == open)
                depth++;
            else if (c == close && --depth == 0)
                return i + 1;
            i++;
        }

        throw new FormatException($"unbalanced '{open}' in: {text}");
    }
}
