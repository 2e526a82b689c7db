namespace Platform.Testing;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it.</summary>
public sealed class ScratchDirectory
{
    private ScratchDirectory(string path) => Path = path;

    public string Path { get; }

    public static ScratchDirectory Create(string prefix) => new(Directory.CreateTempSubdirectory(prefix).FullName);

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Delete()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}
