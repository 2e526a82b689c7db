using Platform.Topology.Services;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// Finds the server binaries the tests start. A missing one skips the test on a developer machine
/// and fails it under <c>CI=true</c>, where a skipped suite would look like a green one.
/// </summary>
public static class RequiredServer
{
    /// <summary>True when the environment variable <c>CI</c> is <c>true</c>.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of <paramref name="binary"/> where <c>./platform</c> would find it (<see cref="Binaries.Find"/>); null when absent.</summary>
    public static string? Find(string binary) => Binaries.Find(binary);

    /// <summary>The full path of <paramref name="binary"/>; when absent, fails the test under CI=true and skips it otherwise.</summary>
    public static string Locate(string binary) => Locate(binary, failWhenMissing: IsCi);

    /// <summary>The full path of <paramref name="binary"/>; when absent, fails (<see cref="Xunit.Sdk.FailException"/>) or skips (<see cref="Xunit.Sdk.SkipException"/>) the test.</summary>
    public static string Locate(string binary, bool failWhenMissing)
    {
        if (Find(binary) is { } found)
        {
            return found;
        }

        throw FailOrSkip($"{binary} not found: run ./platform test, which installs it (looked on {Binaries.SearchedDirectories})", failWhenMissing);
    }

    /// <summary>
    /// <paramref name="path"/>, a program that the solution's build puts there rather than a Debian package
    /// (the trace viewer, which tools/TraceViewer copies from its NuGet package); when absent, fails the test
    /// under CI=true and skips it otherwise, naming <paramref name="builtBy"/>.
    /// </summary>
    public static string LocateBuilt(string path, string builtBy)
    {
        if (File.Exists(path))
        {
            return path;
        }

        throw FailOrSkip($"{path} not found: build {builtBy} (dotnet build Platform.sln, or ./platform test, does)", IsCi);
    }

    // Fails (Xunit.Sdk.FailException) or skips (Xunit.Sdk.SkipException) the test; returns only for the caller's throw, never reached.
    private static InvalidOperationException FailOrSkip(string message, bool fail)
    {
        if (fail)
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return new InvalidOperationException(message);
    }

    /// <summary>True when every one of <paramref name="binaries"/> is found: a shared fixture starts its servers only then.</summary>
    public static bool AllPresent(IEnumerable<string> binaries) => binaries.All(binary => Find(binary) is not null);

    /// <summary><see cref="Locate(string)"/> for each of <paramref name="binaries"/>: the first missing one fails (CI=true) or skips the test.</summary>
    public static void LocateAll(IEnumerable<string> binaries)
    {
        ArgumentNullException.ThrowIfNull(binaries);
        foreach (var binary in binaries)
            Locate(binary);
    }

    /// <summary>
    /// For a shared fixture whose <paramref name="what"/> is not there: fails or skips the test naming the missing server
    /// (<see cref="LocateAll"/>); when all are present it started and failed, and this is the exception to throw.
    /// </summary>
    public static InvalidOperationException Missing(string what, IEnumerable<string> binaries)
    {
        LocateAll(binaries);
        return new InvalidOperationException($"The {what} did not start; see the fixture's error.");
    }
}
