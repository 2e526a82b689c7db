namespace Platform.Topology.Files;

/// <summary>
/// Directories under the state directory are this user's only (0700): they hold the database's files and
/// socket, Redis's append-only file, backups with guests' data, logs and the generated secrets. mariadbd,
/// redis-server and Prometheus create files of their own inside with their own modes; a parent no other
/// user may enter is what keeps those private, whatever modes they choose.
/// </summary>
public static class PrivateDirectory
{
    /// <summary>rwx for the owner, nothing for group or others.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> and any missing parent 0700; an existing one is left as it is (see <see cref="Tighten"/>).</summary>
    public static DirectoryInfo Create(string path) =>
        OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, Mode);

    /// <summary>
    /// Makes <paramref name="root"/> and every directory under it 0700: what earlier versions created 0755
    /// (the umask's default) is upgraded in place by <c>up</c>. Files keep their modes: with no way into
    /// their directory, no other user can open them.
    /// </summary>
    public static void Tighten(string root)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(root))
        {
            return;
        }

        // A shared directory (/tmp, sticky) is never a state directory: making it and everything in it
        // 0700 would lock every other user out of it.
        if ((File.GetUnixFileMode(root) & UnixFileMode.StickyBit) != 0)
        {
            throw new PlatformException($"{root} is shared by every user (sticky); point {PlatformVariables.StateDir} at a directory of its own");
        }

        foreach (var directory in Directory.EnumerateDirectories(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }).Prepend(root))
        {
            if (File.GetUnixFileMode(directory) != Mode)
            {
                File.SetUnixFileMode(directory, Mode);
            }
        }
    }
}
