using System.Globalization;
using Platform.Load.Cli;
using Platform.Topology.Files;

namespace Platform.Load.Runs;

/// <summary>The bench's own log in the state directory (logs/bench.log): where an unforeseen failure's details go.</summary>
public static class BenchLog
{
    /// <summary>Appends <paramref name="failure"/> with its stack trace and returns the log's path.</summary>
    public static string Write(BenchSettings settings, Exception failure)
    {
        var path = settings.Platform.Layout.Log("bench");
        try
        {
            PrivateDirectory.Create(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O} {failure}{Environment.NewLine}"));
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"nowhere: {path} could not be written ({e.Message})";
        }
    }
}
