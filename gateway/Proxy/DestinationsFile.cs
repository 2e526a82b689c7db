namespace Platform.Gateway.Proxy;

/// <summary>
/// The optional JSON file named by <c>Proxy:DestinationsFile</c>, layered over appsettings.json and
/// watched: when it changes, YARP's configuration provider sees the new destinations and applies
/// them live (new ones are health-checked, removed ones drain). Writers should replace it
/// atomically (write a temporary file, then rename): a file that does not parse is reported as
/// no change, so the last good destinations stay, but a half-written one that parses would win.
/// </summary>
public static class DestinationsFile
{
    public static ConfigurationManager AddDestinationsFile(this ConfigurationManager configuration, IHostEnvironment environment)
    {
        var file = configuration[$"{ProxyOptions.Section}:{nameof(ProxyOptions.DestinationsFile)}"];
        if (string.IsNullOrWhiteSpace(file))
            return configuration;

        var path = Path.GetFullPath(file, environment.ContentRootPath);
        // The file may come later, but its folder must exist: the watcher would otherwise climb to
        // the nearest existing parent and watch that whole tree.
        if (!Directory.Exists(Path.GetDirectoryName(path)))
            throw new InvalidOperationException($"Proxy:DestinationsFile names {path}, whose directory does not exist.");

        configuration.AddJsonFile(path, optional: true, reloadOnChange: true);
        return configuration;
    }
}
