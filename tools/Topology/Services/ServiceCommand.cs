namespace Platform.Topology.Services;

/// <summary>
/// How one of the platform's processes is started: program, arguments, environment and working
/// directory. The CLI starts it detached with a pid file and a log; the tests start it as their own
/// child. Both build it from the same definition in this folder.
/// </summary>
public sealed record ServiceCommand(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? WorkingDirectory = null)
{
    /// <summary>This command with more environment, which wins over what it already has.</summary>
    public ServiceCommand WithEnvironment(IReadOnlyDictionary<string, string>? more)
    {
        if (more is null || more.Count == 0)
        {
            return this;
        }

        var merged = new Dictionary<string, string>(Environment ?? new Dictionary<string, string>());
        foreach (var (key, value) in more)
        {
            merged[key] = value;
        }

        return this with { Environment = merged };
    }
}
