using System.Xml.Linq;
using Platform.Testing;
using Platform.Topology;

namespace Platform.Deployment.Tests.Compose;

/// <summary>The images compose builds: small, non-root, health-checked, and free of secrets.</summary>
public sealed class DockerfileTests
{
    private static readonly string[] SecretWords = ["PASSWORD", "SECRET", "TOKEN"];

    public static TheoryData<string, string> Projects => new()
    {
        { "api", "Api.csproj" },
        { "gateway", "Gateway.csproj" },
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void It_builds_with_the_sdk_and_runs_on_the_aspnet_runtime(string folder, string project)
    {
        _ = project;
        var dockerfile = Load(folder);

        Assert.True(dockerfile.Stages.Count >= 2, $"{folder}/Dockerfile must be multi-stage (build, then runtime)");
        Assert.Contains(dockerfile.Stages, stage => stage[0].Arguments.StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal));
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", dockerfile.FinalStage[0].Arguments, StringComparison.Ordinal);
        Assert.DoesNotContain(dockerfile.FinalStage, instruction => instruction.Keyword == "RUN" && instruction.Arguments.Contains("dotnet ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void It_restores_from_the_shared_props_and_the_project_before_copying_sources(string folder, string project)
    {
        var build = Load(folder).Stages.First(stage => stage[0].Arguments.StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal));
        var copies = build.Select((instruction, index) => (instruction, index)).Where(pair => pair.instruction.Keyword == "COPY").ToList();
        var restore = build.ToList().FindIndex(instruction => instruction.Keyword == "RUN" && instruction.Arguments.Contains("dotnet restore", StringComparison.Ordinal));

        Assert.True(restore > 0, $"{folder}/Dockerfile must run dotnet restore in its own layer");
        var beforeRestore = string.Join(' ', copies.Where(pair => pair.index < restore).Select(pair => pair.instruction.Arguments));
        Assert.Contains("Directory.Build.props", beforeRestore, StringComparison.Ordinal);
        Assert.Contains("Directory.Packages.props", beforeRestore, StringComparison.Ordinal);
        Assert.Contains($"{folder}/{project}", beforeRestore, StringComparison.Ordinal);
        Assert.True(copies.Any(pair => pair.index > restore && pair.instruction.Arguments.StartsWith($"{folder}/ ", StringComparison.Ordinal)),
            $"{folder}/Dockerfile must copy the sources after the restore layer");
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void It_runs_as_a_non_root_user(string folder, string project)
    {
        _ = project;
        var user = Load(folder).FinalStage.LastOrDefault(instruction => instruction.Keyword == "USER");

        Assert.True(user is not null, $"{folder}/Dockerfile's final stage must switch to a non-root USER ($APP_UID or app)");
        var name = user.Arguments.Split(':')[0];
        Assert.False(name is "root" or "0", $"{folder}/Dockerfile runs as root");
    }

    [Theory]
    [InlineData("api", "http://localhost:8080/health/ready")]
    [InlineData("gateway", "http://localhost:9100/health/ready")]
    public void It_checks_its_own_readiness(string folder, string url)
    {
        var dockerfile = Load(folder);
        var healthcheck = dockerfile.FinalStage.LastOrDefault(instruction => instruction.Keyword == "HEALTHCHECK");

        Assert.True(healthcheck is not null, $"{folder}/Dockerfile's final stage needs a HEALTHCHECK");
        Assert.Contains("curl", healthcheck.Arguments, StringComparison.Ordinal);
        Assert.Contains(url, healthcheck.Arguments, StringComparison.Ordinal);
        Assert.Contains(dockerfile.FinalStage, instruction => instruction.Keyword == "RUN"
            && instruction.Arguments.Contains("--no-install-recommends curl", StringComparison.Ordinal)
            && instruction.Arguments.Contains("rm -rf /var/lib/apt/lists/*", StringComparison.Ordinal));
        Assert.Contains(dockerfile.FinalStage, instruction => instruction.Keyword == "EXPOSE" && instruction.Arguments.Contains("9100", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void It_starts_the_projects_assembly(string folder, string project)
    {
        var assembly = XDocument.Load(RepositoryRoot.Combine(folder, project)).Descendants("AssemblyName").Single().Value;
        var entrypoint = Load(folder).FinalStage.LastOrDefault(instruction => instruction.Keyword == "ENTRYPOINT");

        Assert.True(entrypoint is not null, $"{folder}/Dockerfile needs an ENTRYPOINT");
        Assert.Equal($"[\"dotnet\", \"{assembly}.dll\"]", entrypoint.Arguments);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void It_bakes_no_secret_into_the_image(string folder, string project)
    {
        _ = project;
        foreach (var instruction in Load(folder).All)
        {
            foreach (var (name, value) in Dockerfile.Variables(instruction))
            {
                var secretLike = SecretWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));
                Assert.False(secretLike && !string.IsNullOrEmpty(value),
                    $"{folder}/Dockerfile sets {instruction.Keyword} {name} with a value: secrets come from the environment at run time, never from the image");
                Assert.False(name.StartsWith("Database__ConnectionString", StringComparison.Ordinal),
                    $"{folder}/Dockerfile sets the connection string, which carries the password");
            }
        }
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_tests_and_local_state()
    {
        var patterns = File.ReadAllLines(RepositoryRoot.Combine(".dockerignore"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);

        // .dockerignore patterns are anchored at the context root: nested bin/ and obj/ need **/.
        foreach (var required in new[] { "**/bin/", "**/obj/", ".platform/", ".git", "tests/", "BenchmarkDotNet.Artifacts/" })
        {
            Assert.True(patterns.Contains(required) || patterns.Contains(required.TrimEnd('/')), $".dockerignore must leave out {required}");
        }
    }

    [Fact]
    public void The_parser_finds_a_secret_when_there_is_one()
    {
        var scratch = ScratchDirectory.Create("dockerfile-");
        try
        {
            var path = scratch.Combine("Dockerfile");
            File.WriteAllLines(path, ["FROM mcr.microsoft.com/dotnet/aspnet:10.0", "ENV A=1 \\", "    DB_PASSWORD=hunter2", "ARG API_TOKEN"]);
            var variables = Dockerfile.Load(path).All.SelectMany(Dockerfile.Variables).ToList();

            Assert.Contains(("DB_PASSWORD", "hunter2"), variables);
            Assert.Contains(("API_TOKEN", (string?)null), variables);
        }
        finally
        {
            scratch.Delete();
        }
    }

    private static Dockerfile Load(string folder)
    {
        var path = RepositoryRoot.Combine(folder, "Dockerfile");
        Assert.True(File.Exists(path), $"{folder}/Dockerfile does not exist");
        return Dockerfile.Load(path);
    }
}
