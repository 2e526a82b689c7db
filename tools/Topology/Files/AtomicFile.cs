namespace Platform.Topology.Files;

/// <summary>
/// Writes a file through a temporary one beside it and a rename, so a reader that watches it (the
/// gateway, Prometheus) never sees half of it. Secrets are created readable by this user only.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, string content, bool secret = false)
    {
        PrivateDirectory.Create(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            // UTF-8 without a byte order mark: Prometheus's file_sd reads a targets file that starts with
            // one as invalid JSON ("invalid character 'ï'") and drops every target in it.
            using (var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
            {
                writer.Write(content);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
