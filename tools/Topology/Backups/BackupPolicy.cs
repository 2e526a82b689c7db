namespace Platform.Topology.Backups;

/// <summary>
/// Where backups go and how many are kept: <paramref name="KeepChains"/> chains (a full backup and its
/// incrementals) are kept, the oldest deleted once a new full is in place; a chain takes at most
/// <paramref name="ChainLength"/> incrementals before the next backup starts a new one, so a restore never
/// has to apply more than that many.
/// </summary>
public sealed record BackupPolicy(string Directory, int KeepChains, int ChainLength)
{
    public const int DefaultKeepChains = 2;
    public const int DefaultChainLength = 24;
    public const int MaxKeepChains = 1000;
    public const int MaxChainLength = 1000;

    /// <summary>The policy for <paramref name="directory"/> from <c>PLATFORM_BACKUP_KEEP_CHAINS</c> and <c>PLATFORM_BACKUP_CHAIN_LENGTH</c>.</summary>
    /// <exception cref="PlatformException">A variable is not a whole number in its range.</exception>
    public static BackupPolicy FromEnvironment(string directory, Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        return new BackupPolicy(
            directory,
            Count(variable(PlatformVariables.BackupKeepChains), PlatformVariables.BackupKeepChains, DefaultKeepChains, 1, MaxKeepChains),
            Count(variable(PlatformVariables.BackupChainLength), PlatformVariables.BackupChainLength, DefaultChainLength, 0, MaxChainLength));
    }

    private static int Count(string? text, string name, int fallback, int min, int max)
    {
        if (text is not { Length: > 0 })
        {
            return fallback;
        }

        return text.Length <= 4 && (text == "0" || text[0] != '0')
            && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            && count >= min && count <= max
                ? count
                : throw new PlatformException($"{name} must be a whole number from {min} to {max} (got '{text}')");
    }
}
