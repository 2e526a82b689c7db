using System.Globalization;
using Platform.Topology.Services;

namespace Platform.Topology.Backups;

/// <summary>A binary log file's name, <c>mariadb-bin.NNNNNN</c>, and its sequence number.</summary>
public static class BinlogFile
{
    /// <summary>The number of a binary log file, or null when <paramref name="name"/> is not one (the index, anything else).</summary>
    public static int? Number(string name)
    {
        var prefix = MariaDbFiles.BinlogBaseName + ".";
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && name.Length == prefix.Length + 6
            && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
    }

    public static string Name(int number) => $"{MariaDbFiles.BinlogBaseName}.{number.ToString("D6", CultureInfo.InvariantCulture)}";

    /// <summary>The binary log files in <paramref name="directory"/>, by number (none when it does not exist).</summary>
    public static SortedDictionary<int, string> In(string directory)
    {
        var files = new SortedDictionary<int, string>();
        if (!Directory.Exists(directory))
        {
            return files;
        }

        foreach (var path in Directory.EnumerateFiles(directory))
        {
            if (Number(Path.GetFileName(path)) is { } number)
            {
                files[number] = path;
            }
        }

        return files;
    }
}
