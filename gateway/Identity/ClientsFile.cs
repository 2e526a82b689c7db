namespace Platform.Gateway.Identity;

/// <summary>
/// The optional JSON file named by <c>Identity:ClientsFile</c>, <c>{"Identity":{"Clients":{...}}}</c>,
/// layered over the other settings and watched, so keys are rotated and revoked without a restart
/// (<see cref="ApiKeyDirectory"/> applies each change that passes validation). Writers should replace
/// it atomically (write a temporary file, then rename), as for <c>Proxy:DestinationsFile</c>.
/// </summary>
public static class ClientsFile
{
    public static ConfigurationManager AddClientsFile(this ConfigurationManager configuration, IHostEnvironment environment)
    {
        var file = configuration[$"{IdentityOptions.Section}:{nameof(IdentityOptions.ClientsFile)}"];
        if (string.IsNullOrWhiteSpace(file))
            return configuration;

        var path = Path.GetFullPath(file, environment.ContentRootPath);
        // The file may come later, but its folder must exist: the watcher would otherwise climb to
        // the nearest existing parent and watch that whole tree.
        if (!Directory.Exists(Path.GetDirectoryName(path)))
            throw new InvalidOperationException($"{IdentityOptions.Section}:{nameof(IdentityOptions.ClientsFile)} names {path}, whose directory does not exist.");

        configuration.AddJsonFile(path, optional: true, reloadOnChange: true);
        return configuration;
    }
}
