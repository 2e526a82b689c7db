namespace Platform.Gateway.Configuration;

/// <summary>
/// An optional JSON file of settings, named by a configuration key, layered over the others and
/// watched, so a change applies without a restart: <c>Proxy:DestinationsFile</c> (YARP applies new
/// destinations live) and <c>Identity:ClientsFile</c> (rotated and revoked keys). Writers should
/// replace such a file atomically (write a temporary file, then rename): a file that does not parse
/// is reported as no change, so the last good settings stay, but a half-written one that parses would win.
/// </summary>
public static class WatchedSettingsFile
{
    public static ConfigurationManager AddWatchedSettingsFile(this ConfigurationManager configuration, IHostEnvironment environment, string key)
    {
        var file = configuration[key];
        if (string.IsNullOrWhiteSpace(file))
            return configuration;

        var path = Path.GetFullPath(file, environment.ContentRootPath);
        // The file may come later, but its folder must exist: the watcher would otherwise climb to
        // the nearest existing parent and watch that whole tree.
        if (!Directory.Exists(Path.GetDirectoryName(path)))
            throw new InvalidOperationException($"{key} names {path}, whose directory does not exist.");

        configuration.AddJsonFile(path, optional: true, reloadOnChange: true);
        return configuration;
    }
}
