using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Testing;
using Platform.Topology;

namespace Platform.Deployment.Tests.Compose;

/// <summary>The connection arithmetic and the database version: what the compose file promises the server.</summary>
public sealed partial class ComposeCapacityTests
{
    /// <summary>The MariaDB major.minor the platform is designed and tested against.</summary>
    private const string DesignMariaDbVersion = "10.11";

    private readonly ComposeFile _compose = ComposeFile.Load();

    [Fact]
    public void The_maximum_scale_of_replica_pools_stays_under_max_connections()
    {
        var maxScaleMatch = MaximumScalePattern().Match(_compose.RawText);
        Assert.True(maxScaleMatch.Success, "docker-compose.scale.yml must state its maximum scale in a comment: 'Maximum scale: N replicas'");
        var maxScale = int.Parse(maxScaleMatch.Groups["n"].Value, CultureInfo.InvariantCulture);

        var environment = ComposeFile.Environment(_compose.Service("api"));
        var poolSize = Number(environment, "Database__MaximumPoolSize");
        var backgroundPoolSize = Number(environment, "Database__BackgroundPoolSize");
        var maxConnections = MaxConnections();
        var replicas = int.Parse(ComposeFile.Text(_compose.Service("api"), "deploy", "replicas") ?? "0", CultureInfo.InvariantCulture);
        var atMaximum = maxScale * (poolSize + backgroundPoolSize);

        Assert.True(replicas <= maxScale, $"deploy.replicas ({replicas}) is above the stated maximum scale ({maxScale})");
        Assert.True(atMaximum < maxConnections,
            $"{maxScale} replicas x ({poolSize} + {backgroundPoolSize}) = {atMaximum} connections, not under MariaDB's max_connections ({maxConnections}) in api/Database/mariadb.cnf");
        Assert.True(ShowsTotal(atMaximum),
            $"the pool arithmetic comment must show the total at maximum scale ({atMaximum}); it has drifted from the environment");
        Assert.True(ShowsTotal(replicas * (poolSize + backgroundPoolSize)),
            "the pool arithmetic comment must show the total at deploy.replicas; it has drifted from the environment");
    }

    [Fact]
    public async Task Compose_runs_the_mariadb_major_minor_the_tests_run()
    {
        var image = ComposeFile.Text(_compose.Service("mariadb"), "image") ?? "";
        Assert.StartsWith("mariadb:", image, StringComparison.Ordinal);
        var composeVersion = MajorMinor(image["mariadb:".Length..]);

        // The tests' own server when it is installed; the design constant otherwise (said in the message),
        // and never under CI=true, where the server must be there to be asked.
        var mariadbd = RequiredServer.IsCi ? RequiredServer.Locate("mariadbd") : RequiredServer.Find("mariadbd");
        var (expected, source) = mariadbd is not null
            ? (MajorMinor(await ServerVersionAsync(mariadbd)), $"the tests' server ({mariadbd} --version)")
            : (DesignMariaDbVersion, "the design version (mariadbd is not installed here, so the tests' server could not be asked)");

        Assert.True(composeVersion == expected, $"compose runs MariaDB {composeVersion} ({image}), {source} is {expected}");
        Assert.Equal(DesignMariaDbVersion, composeVersion);
    }

    /// <summary>True when a comment line reads "... = total".</summary>
    private bool ShowsTotal(int total) =>
        _compose.RawText.Split('\n').Any(line => line.TrimStart().StartsWith('#')
            && Regex.IsMatch(line, $@"=\s*{total.ToString(CultureInfo.InvariantCulture)}\b", RegexOptions.None, TimeSpan.FromSeconds(1)));

    private static int Number(IReadOnlyDictionary<string, string> environment, string key)
    {
        Assert.True(environment.TryGetValue(key, out var value), $"the api service must set {key} in its environment, so the pool arithmetic is visible");
        Assert.True(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number), $"api {key} is '{value}', not a number");
        return number;
    }

    private static int MaxConnections()
    {
        var line = File.ReadAllLines(RepositoryRoot.Combine("api", "Database", "mariadb.cnf"))
            .Select(text => text.Trim())
            .FirstOrDefault(text => text.StartsWith("max_connections", StringComparison.Ordinal));
        Assert.True(line is not null, "api/Database/mariadb.cnf sets no max_connections");
        return int.Parse(line.Split('=', 2)[1].Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task<string> ServerVersionAsync(string mariadbd)
    {
        var (exitCode, output) = await ChildProcess.RunAsync(mariadbd, ["--version"], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"{mariadbd} --version failed: {output}");
        var match = ServerVersionPattern().Match(output);
        Assert.True(match.Success, $"no version in '{output}'");
        return match.Groups["version"].Value;
    }

    private static string MajorMinor(string version)
    {
        var parts = version.Split('.', '-');
        Assert.True(parts.Length >= 2, $"'{version}' is not major.minor[.patch]");
        return $"{parts[0]}.{parts[1]}";
    }

    [GeneratedRegex(@"Maximum scale:\s*(?<n>\d+)\s+replicas")]
    private static partial Regex MaximumScalePattern();

    [GeneratedRegex(@"Ver\s+(?<version>\d+\.\d+\.\d+)")]
    private static partial Regex ServerVersionPattern();
}
