using System.Globalization;

namespace Platform.Testing;

/// <summary>One sample of a Prometheus text exposition: the metric name, the labels as exposed between the braces ("" for none), the value.</summary>
public sealed record MetricSample(string Name, string Labels, double Value)
{
    /// <summary>The value of label <paramref name="name"/>, unescaped; null when the sample does not have it.</summary>
    public string? Label(string name)
    {
        var position = 0;
        while (position < Labels.Length)
        {
            var equals = Labels.IndexOf('=', position);
            if (equals < 0 || equals + 1 >= Labels.Length || Labels[equals + 1] != '"')
                return null;
            var key = Labels[position..equals].Trim();
            var value = new System.Text.StringBuilder();
            var i = equals + 2;
            for (; i < Labels.Length && Labels[i] != '"'; i++)
            {
                if (Labels[i] == '\\' && i + 1 < Labels.Length)
                {
                    i++;
                    value.Append(Labels[i] == 'n' ? '\n' : Labels[i]);
                }
                else
                {
                    value.Append(Labels[i]);
                }
            }
            if (key == name)
                return value.ToString();
            position = i + 1;
            if (position < Labels.Length && Labels[position] == ',')
                position++;
        }
        return null;
    }
}

/// <summary>
/// Reads the Prometheus text exposition format (0.0.4) that the replicas and the gateway serve on <c>/metrics</c>.
/// Hand-written on purpose: the Prometheus packages available (prometheus-net, the OpenTelemetry Prometheus exporters,
/// App.Metrics' formatter) write this format and none of them parses it, and the tests only need "the samples, by name and labels".
/// Comments (# HELP, # TYPE) and blank lines are skipped; a timestamp after the value is ignored.
/// </summary>
public static class PrometheusText
{
    /// <summary>Every sample in <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<MetricSample>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            samples.Add(ParseLine(line));
        }
        return samples;
    }

    /// <summary>The value of the series <paramref name="name"/>{<paramref name="labels"/>} (labels exactly as exposed, "" for an unlabelled series); null when absent.</summary>
    public static double? Value(string text, string name, string labels = "") =>
        Parse(text).FirstOrDefault(sample => sample.Name == name && sample.Labels == labels)?.Value;

    /// <summary>The samples of metric <paramref name="name"/> (any labels).</summary>
    public static IEnumerable<MetricSample> Samples(string text, string name) =>
        Parse(text).Where(sample => sample.Name == name);

    private static MetricSample ParseLine(string line)
    {
        var nameEnd = line.IndexOfAny(['{', ' ', '\t']);
        if (nameEnd < 0)
            throw new FormatException($"not a Prometheus sample: {line}");
        var name = line[..nameEnd];
        var labels = "";
        var rest = nameEnd;
        if (line[nameEnd] == '{')
        {
            // The closing brace is the first one outside a quoted label value ("/api/{code}" is a value).
            var inQuotes = false;
            var i = nameEnd + 1;
            for (; i < line.Length; i++)
            {
                if (inQuotes && line[i] == '\\')
                    i++;
                else if (line[i] == '"')
                    inQuotes = !inQuotes;
                else if (!inQuotes && line[i] == '}')
                    break;
            }
            if (i >= line.Length)
                throw new FormatException($"unclosed labels: {line}");
            labels = line[(nameEnd + 1)..i];
            rest = i + 1;
        }
        var fields = line[rest..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 1 or > 2)
            throw new FormatException($"not a Prometheus sample: {line}");
        return new MetricSample(name, labels, ParseValue(fields[0]));
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
