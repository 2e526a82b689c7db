using System.CommandLine;
using Platform.Cli.Commands;
using Platform.Topology;

namespace Platform.Cli;

/// <summary>
/// The command line, parsed by System.CommandLine: subcommands, typed arguments and generated help. A
/// misuse (no command, an unknown one) exits 64 with the usage on stderr, as the script before it did; an
/// operator's error (a port in use, a server that will not start) is one line after <c>error:</c> and exit 1.
/// </summary>
public static class CliHost
{
    public const int UsageError = 64;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand(Usage.Description)
        {
            UpCommand.Create(),
            DownCommand.Create(),
            StatusCommand.Create(),
            TestCommand.Create(args),
            ScaleCommand.Create(args),
            BenchCommand.Create(args),
            SeedCommand.Create(args),
            IssueKeyCommand.Create(),
            BackupCommand.Create(),
            RestoreCommand.Create(),
        };
        root.HelpName = "./platform";
        if (args.Length == 0)
        {
            await ShowUsageAsync(root, Console.Error);
            return UsageError;
        }

        if (args is ["help"])
        {
            return await ShowUsageAsync(root, Console.Out);
        }

        // What follows test, bench or seed belongs to dotnet test or the load generator, --help included:
        // their commands take it raw from args, so only the command's name is parsed here.
        var parsed = root.Parse(args is [TestCommand.Name or BenchCommand.Name or SeedCommand.Name, ..] ? [args[0]] : args);
        if (parsed.Errors.Count > 0)
        {
            // "No command" adds nothing to "unknown command 'x'".
            foreach (var error in parsed.Errors.Where(error => parsed.Errors.Count == 1 || !error.Message.StartsWith("Required command", StringComparison.Ordinal)))
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await Console.Error.WriteLineAsync();
            await ShowUsageAsync(root, Console.Error);
            return UsageError;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return UsageError;
        }
        catch (PlatformException e)
        {
            await Console.Out.FlushAsync();
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not foreseen, so the whole story goes to stderr; still one exit code for every failure.
            await Console.Out.FlushAsync();
            await Console.Error.WriteLineAsync($"error: {e.Message}{Environment.NewLine}{e}");
            return 1;
        }
    }

    /// <summary>The generated help: on stderr after a misuse, on stdout when asked for.</summary>
    private static Task<int> ShowUsageAsync(RootCommand root, TextWriter writer) =>
        root.Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = writer });

    /// <summary>The platform this checkout runs, from the PLATFORM_* environment.</summary>
    public static PlatformSettings Settings() => PlatformSettings.FromEnvironment(RepositoryRoot.Path);
}
