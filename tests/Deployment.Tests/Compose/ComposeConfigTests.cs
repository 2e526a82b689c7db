using Platform.Testing;
using Platform.Topology;

namespace Platform.Deployment.Tests.Compose;

/// <summary>
/// Debian's docker-compose (1.29) validates the file without a Docker engine: the schema, the
/// interpolation and the required variables. Each refusal case proves the check can fail.
/// </summary>
public sealed class ComposeConfigTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Docker_compose_accepts_the_file_when_the_required_variables_are_set()
    {
        var (exitCode, output) = await ConfigAsync(ComposeFile.DefaultPath, ComposeFile.RequiredVariables);

        Assert.True(exitCode == 0, $"docker-compose config -q refused docker-compose.scale.yml (exit {exitCode}):{System.Environment.NewLine}{output}");
    }

    [Fact]
    public async Task Docker_compose_refuses_the_file_without_the_database_password()
    {
        var variables = new Dictionary<string, string>(ComposeFile.RequiredVariables, StringComparer.Ordinal)
        {
            ["PLATFORM_DB_PASSWORD"] = "", // empty counts as unset for ${VAR:?...}, and overrides the caller's environment
        };

        var (exitCode, output) = await ConfigAsync(ComposeFile.DefaultPath, variables);

        Assert.True(exitCode != 0, $"docker-compose config -q accepted the file without PLATFORM_DB_PASSWORD: the password must be required (${{PLATFORM_DB_PASSWORD:?...}}).{System.Environment.NewLine}{output}");
        Assert.Contains("PLATFORM_DB_PASSWORD", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docker_compose_refuses_a_copy_with_a_syntax_error()
    {
        var scratch = ScratchDirectory.Create("compose-syntax-");
        try
        {
            var text = await File.ReadAllTextAsync(ComposeFile.DefaultPath, TestContext.Current.CancellationToken);
            var intact = scratch.Combine("intact.yml");
            var broken = scratch.Combine("broken.yml");
            await File.WriteAllTextAsync(intact, text, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(broken, text.Replace("\nservices:\n", "\nservices:\n  broken: [unclosed\n", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            Assert.NotEqual(text, await File.ReadAllTextAsync(broken, TestContext.Current.CancellationToken));

            // The intact copy, read from the same place, passes: the refusal below is the syntax error's doing.
            var (intactExit, intactOutput) = await ConfigAsync(intact, ComposeFile.RequiredVariables);
            Assert.True(intactExit == 0, $"the intact copy was refused (exit {intactExit}):{System.Environment.NewLine}{intactOutput}");

            var (brokenExit, brokenOutput) = await ConfigAsync(broken, ComposeFile.RequiredVariables);
            Assert.True(brokenExit != 0, $"docker-compose config -q accepted a file with a YAML syntax error:{System.Environment.NewLine}{brokenOutput}");
        }
        finally
        {
            scratch.Delete();
        }
    }

    /// <summary>
    /// <c>docker-compose config -q</c> on <paramref name="file"/>, relative paths taken from the repository
    /// root, with an empty env file so a developer's <c>.env</c> cannot set what the test leaves out.
    /// </summary>
    internal static async Task<(int ExitCode, string Output)> ConfigAsync(string file, IReadOnlyDictionary<string, string> variables)
    {
        var compose = RequiredServer.Locate("docker-compose");
        var scratch = ScratchDirectory.Create("compose-env-");
        try
        {
            var envFile = scratch.Combine("empty.env");
            await File.WriteAllTextAsync(envFile, "", TestContext.Current.CancellationToken);
            return await ChildProcess.RunAsync(
                compose,
                ["--env-file", envFile, "--project-directory", RepositoryRoot.Path, "-f", file, "config", "-q"],
                Timeout,
                variables);
        }
        finally
        {
            scratch.Delete();
        }
    }
}
