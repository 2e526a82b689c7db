using System.Globalization;
using Yarp.ReverseProxy.Configuration;

namespace Platform.Gateway.Deadlines;

/// <summary>
/// A route's deadline from its YARP metadata (<c>ReverseProxy:Routes:NAME:Metadata:Deadline</c>),
/// else <c>Proxy:DefaultDeadline</c>. Read from the route's own configuration so a reload that
/// changes it takes effect with the routes.
/// </summary>
public static class RouteDeadlines
{
    public const string MetadataKey = "Deadline";
    public static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(1);
    public static readonly TimeSpan Maximum = TimeSpan.FromMinutes(10);

    public static TimeSpan Of(RouteConfig route, TimeSpan fallback) =>
        route.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var text) && TryParse(text, out var deadline)
            ? deadline
            : fallback;

    public static bool TryParse(string? text, out TimeSpan deadline) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out deadline) && deadline >= Minimum && deadline <= Maximum;

    /// <summary>Every route whose Deadline metadata is set but unusable, so start-up can name the key.</summary>
    public static IEnumerable<string> InvalidKeys(IConfiguration configuration)
    {
        foreach (var route in configuration.GetSection("ReverseProxy:Routes").GetChildren())
        {
            var key = $"ReverseProxy:Routes:{route.Key}:Metadata:{MetadataKey}";
            if (configuration[key] is { } text && !TryParse(text, out _))
                yield return key;
        }
    }
}
