using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Platform.Testing.Docs;

/// <summary>
/// Holds one section of docs/configuration.md to a service's options: every bindable option has a row
/// that names it in the environment's spelling (<c>Section__Key</c>, <c>__</c> for each level), with
/// the default the service really starts with (the options class's initial value, bound over with the
/// service's appsettings.json, as <c>BindConfiguration</c> does). Compiled into Api.Tests and
/// Gateway.Tests, each checking its own service.
/// </summary>
/// <remarks>
/// <para>What is an option: the public settable properties of the <c>*Options</c> classes that carry a
/// <c>Section</c> constant (how every one of them is bound here), recursing into nested option objects;
/// a dictionary's key is written <c>&lt;name&gt;</c> (any word in angle brackets, e.g.
/// <c>RateLimiting__Policies__&lt;name&gt;__Burst</c>) and a list's index <c>&lt;n&gt;</c>. Plus any
/// section the caller binds another way, and every key of appsettings.json outside those sections,
/// <c>Logging</c>, <c>AllowedHosts</c> and YARP's <c>ReverseProxy</c> (YARP's own schema: a row that names one
/// of its keys still has its default checked).</para>
/// <para>Which defaults are compared: those of simple types (numbers, bools, strings, TimeSpans, enums)
/// that have a value. An option whose default is computed at start-up (null here, e.g. the bulkheads'
/// shares of the pool), a list, and anything under a dictionary (a policy, a client) must have its
/// row, but its default is prose and is not compared. An empty string must be documented in
/// parentheses: "(empty)", "(none)", "(required)". A row naming several keys (<c>`A__X` / `__Y`</c>)
/// gives their defaults in the same order, separated by " / ", or one default for all.</para>
/// </remarks>
public static partial class ConfigurationDocCheck
{
    private static readonly string[] UndocumentedSections = ["Logging", "AllowedHosts", "ReverseProxy"];

    /// <summary>An option: its key as the doc spells it (placeholders as <c>&lt;&gt;</c>), and its default when one is compared.</summary>
    private sealed record Option(string Key, bool Compared, object? Default);

    /// <summary>A key named by a row, with the text of its default.</summary>
    private sealed record DocKey(string Key, string? Default, int Line);

    /// <summary>
    /// The options classes of <paramref name="service"/>: every type named <c>*Options</c> with a
    /// <c>Section</c> constant, by section.
    /// </summary>
    public static List<(string Section, Type Type)> OptionsClasses(Assembly service) =>
        [.. service.GetTypes()
            .Where(type => type.Name.EndsWith("Options", StringComparison.Ordinal))
            .Select(type => (type, field: type.GetField("Section", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)))
            .Where(x => x.field is { IsLiteral: true } && x.field.FieldType == typeof(string))
            .Select(x => ((string)x.field!.GetRawConstantValue()!, x.type))
            .OrderBy(x => x.Item1, StringComparer.Ordinal)];

    /// <summary>
    /// The classes named in <c>BindConfiguration(X.Section)</c> calls under <paramref name="sourceFolder"/>,
    /// and any call that binds otherwise (which this check could not follow).
    /// </summary>
    public static (List<string> Classes, List<string> Others) BindConfigurationCalls(string sourceFolder)
    {
        var classes = new List<string>();
        var others = new List<string>();
        foreach (var file in Directory.EnumerateFiles(sourceFolder, "*.cs", SearchOption.AllDirectories)
                     .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                    && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            foreach (Match call in BindConfigurationPattern().Matches(File.ReadAllText(file)))
            {
                var argument = call.Groups[1].Value.Trim();
                if (argument.EndsWith(".Section", StringComparison.Ordinal))
                    classes.Add(argument[..^".Section".Length]);
                else
                    others.Add($"{Path.GetFileName(file)}: BindConfiguration({argument})");
            }
        }

        return (classes, others);
    }

    /// <summary>Everything wrong with the doc's section <paramref name="heading"/>; empty when it is right.</summary>
    /// <param name="bound">Each section the service binds, and the type it binds it to.</param>
    /// <param name="appsettings">The service's appsettings.json.</param>
    public static List<string> Problems(MarkdownDoc doc, string heading, IEnumerable<(string Section, Type Type)> bound, string appsettings)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(appsettings, optional: false, reloadOnChange: false).Build();
        var sections = bound.ToList();
        var options = new List<Option>();
        foreach (var (section, type) in sections)
        {
            var instance = Activator.CreateInstance(type, nonPublic: true)!;
            configuration.GetSection(section).Bind(instance);
            Walk(EnvironmentKey(section), type, instance, compared: true, options);
        }

        var prefixes = sections.Select(s => EnvironmentKey(s.Section) + "__").ToList();
        var plain = configuration.AsEnumerable()
            .Where(pair => pair.Value is not null)
            .Select(pair => (Key: EnvironmentKey(pair.Key), pair.Value))
            .ToList();
        // appsettings.json's own keys outside the bound sections: the default is the file's text.
        options.AddRange(plain
            .Where(pair => !prefixes.Any(prefix => pair.Key.StartsWith(prefix, StringComparison.Ordinal))
                           && !UndocumentedSections.Any(section => pair.Key == section || pair.Key.StartsWith(section + "__", StringComparison.Ordinal)))
            .Select(pair => new Option(pair.Key, Compared: true, pair.Value)));

        var rows = Keys(doc, heading, out var problems);
        var documented = rows.GroupBy(row => row.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var option in options)
        {
            if (!documented.TryGetValue(option.Key, out var row))
            {
                problems.Add($"{option.Key}: no row in docs/configuration.md, '{heading}'");
                continue;
            }

            if (option.Compared && option.Default is not null && !Matches(row.Default, option.Default))
                problems.Add($"docs/configuration.md:{row.Line}: {option.Key} defaults to '{Show(option.Default)}', the row says '{row.Default ?? "(no default for this key)"}'");
        }

        // A row for a key of a bound section that no option has: renamed or removed in the code.
        var known = options.Select(option => option.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows.Where(row => !known.Contains(row.Key) && prefixes.Any(prefix => row.Key.StartsWith(prefix, StringComparison.Ordinal))))
            problems.Add($"docs/configuration.md:{row.Line}: {row.Key} is no option of the service");

        // YARP's keys the doc names: their defaults are appsettings.json's.
        var yarp = plain.Where(pair => pair.Key.StartsWith("ReverseProxy__", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var row in rows.Where(row => yarp.ContainsKey(row.Key) && !Matches(row.Default, yarp[row.Key]!)))
            problems.Add($"docs/configuration.md:{row.Line}: {row.Key} defaults to '{yarp[row.Key]}' in appsettings.json, the row says '{row.Default}'");

        if (options.Count < 10)
            problems.Add($"only {options.Count} options found: is the search for options classes still right?");
        return problems;
    }

    /// <summary>The options under <paramref name="prefix"/>, a value of <paramref name="type"/> (null when there is none to compare).</summary>
    private static void Walk(string prefix, Type type, object? instance, bool compared, List<Option> into)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0))
        {
            var key = $"{prefix}__{property.Name}";
            var propertyType = property.PropertyType;
            var value = instance is null ? null : property.GetValue(instance);
            if (IsSimple(propertyType))
            {
                into.Add(new Option(key, compared, value));
            }
            else if (DictionaryValueType(propertyType) is { } valueType)
            {
                if (IsSimple(valueType))
                    into.Add(new Option($"{key}__<>", Compared: false, null));
                else
                    Walk($"{key}__<>", valueType, null, compared: false, into);
            }
            else if (ListElementType(propertyType) is { } elementType)
            {
                if (IsSimple(elementType))
                    into.Add(new Option($"{key}__<>", Compared: false, null));
                else
                    Walk($"{key}__<>", elementType, null, compared: false, into);
            }
            else
            {
                Walk(key, propertyType, value, compared && value is not null, into);
            }
        }
    }

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);
    }

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))
            ?.GetGenericArguments()[1];

    private static Type? ListElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)
            ? type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
            : null;

    /// <summary>
    /// The keys the rows of the section name, placeholders as <c>&lt;&gt;</c>: each code span of the
    /// first column, a span starting with <c>__</c> continuing the parent of the last whole key before it.
    /// </summary>
    private static List<DocKey> Keys(MarkdownDoc doc, string heading, out List<string> problems)
    {
        problems = [];
        var keys = new List<DocKey>();
        foreach (var row in doc.Rows(heading))
        {
            var names = new List<string>();
            var parent = "";
            foreach (var span in MarkdownDoc.CodeSpans(row[0]))
            {
                var continued = span.StartsWith("__", StringComparison.Ordinal);
                var name = continued ? parent + span : span;
                if (!continued)
                    parent = name.LastIndexOf("__", StringComparison.Ordinal) is var last and >= 0 ? name[..last] : "";
                names.Add(PlaceholderPattern().Replace(name, "<>"));
            }

            var defaults = row[1].Split(" / ").Select(part => part.Trim().Trim('`')).ToList();
            if (defaults.Count != 1 && defaults.Count != names.Count)
            {
                problems.Add($"docs/configuration.md:{row.Line}: {names.Count} keys but {defaults.Count} defaults");
                defaults = [];
            }

            for (var i = 0; i < names.Count; i++)
                keys.Add(new DocKey(names[i], defaults.Count == 0 ? null : defaults[Math.Min(i, defaults.Count - 1)], row.Line));
        }

        return keys;
    }

    /// <summary>Whether the doc's default is the value: the same number, bool, TimeSpan (<c>c</c> format) or text.</summary>
    private static bool Matches(string? documented, object value)
    {
        if (documented is null)
            return false;
        switch (value)
        {
            case "":
                return documented.StartsWith('(');
            case string text:
                return documented == text
                       || (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && Matches(documented, number))
                       || (TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var textTime) && Matches(documented, textTime))
                       || (bool.TryParse(text, out var textFlag) && Matches(documented, textFlag));
            case bool flag:
                return documented == (flag ? "true" : "false");
            case TimeSpan time:
                return TimeSpan.TryParseExact(documented, "c", CultureInfo.InvariantCulture, out var parsed) && parsed == time;
            case Enum:
                return documented == value.ToString();
            default:
                return double.TryParse(documented, NumberStyles.Float, CultureInfo.InvariantCulture, out var documentedNumber)
                       && documentedNumber == Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }
    }

    private static string Show(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        TimeSpan time => time.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary><c>Proxy:Hedging</c> as the environment spells it: <c>Proxy__Hedging</c>.</summary>
    private static string EnvironmentKey(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    [GeneratedRegex(@"\.BindConfiguration\(([^)]*)\)")]
    private static partial Regex BindConfigurationPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex PlaceholderPattern();
}
