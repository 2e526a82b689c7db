using System.Diagnostics;
using System.Globalization;
using Platform.Topology;

namespace Platform.Load.Wrk;

/// <summary>
/// One wrk run with one of tools/Bench's Lua scripts, as a child process: <c>wrk -tT -cC -dSs --timeout 5s
/// --latency -s SCRIPT URL [-- SCRIPT-ARGS]</c>, its settings for the script in the environment
/// (BENCH_API_KEY, BENCH_PATH…). wrk stays the load tool: its C event loop costs the machine being measured
/// less than any generator of ours would.
/// </summary>
public sealed record WrkRun(
    string Script,
    Uri Target,
    int Threads,
    int Connections,
    int Seconds,
    IReadOnlyList<string> ScriptArguments,
    IReadOnlyDictionary<string, string> Environment)
{
    public const string Program = "wrk";

    /// <summary>wrk's --timeout: a request unanswered this long counts as a timeout.</summary>
    public int RequestTimeoutSeconds { get; init; } = 5;

    /// <summary>wrk stops itself after <see cref="Seconds"/>; past this much more it is stuck and is killed.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where wrk's whole output (stdout, then stderr) is kept, if anywhere.</summary>
    public string? OutputFile { get; init; }

    /// <summary>The path of a Lua script of tools/Bench (<c>create.lua</c>, <c>health.lua</c>).</summary>
    public static string ScriptPath(string name) => RepositoryRoot.Combine("tools", "Bench", name);

    /// <summary>True when wrk is on PATH; checked before a bench sets anything up.</summary>
    public static bool IsInstalled() => DebianPackages.IsInstalled(Program);

    /// <summary>wrk's command line, without the program.</summary>
    public IReadOnlyList<string> Arguments()
    {
        var arguments = new List<string>
        {
            "-t" + Threads.ToString(CultureInfo.InvariantCulture),
            "-c" + Connections.ToString(CultureInfo.InvariantCulture),
            "-d" + Seconds.ToString(CultureInfo.InvariantCulture) + "s",
            "--timeout", RequestTimeoutSeconds.ToString(CultureInfo.InvariantCulture) + "s", "--latency", "-s", Script, Target.GetLeftPart(UriPartial.Authority),
        };
        if (ScriptArguments.Count > 0)
            arguments.AddRange(["--", .. ScriptArguments]);
        return arguments;
    }

    /// <summary>Runs wrk and returns its BENCH line.</summary>
    /// <exception cref="PlatformException">wrk is missing, failed, hung, or printed no BENCH line.</exception>
    public async Task<BenchLine> RunAsync(CancellationToken cancellation = default)
    {
        var start = new ProcessStartInfo(Program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in Arguments())
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in Environment)
            start.Environment[name] = value;

        Process wrk;
        try
        {
            wrk = Process.Start(start) ?? throw new PlatformException($"could not start {Program}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new PlatformException($"{Program} is not installed (apt-get install {Program})");
        }

        using (wrk)
        {
            var output = wrk.StandardOutput.ReadToEndAsync(cancellation);
            var errors = wrk.StandardError.ReadToEndAsync(cancellation);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            deadline.CancelAfter(TimeSpan.FromSeconds(Seconds) + Grace);
            try
            {
                await wrk.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                wrk.Kill(entireProcessTree: true);
                throw new PlatformException($"{Program} against {Target} did not finish within {Seconds} s and {Grace.TotalSeconds:0} s more; killed it");
            }

            var text = await output;
            if (OutputFile is not null)
                await File.WriteAllTextAsync(OutputFile, text + await errors, cancellation);
            var line = BenchLine.FromOutput(text);
            if (wrk.ExitCode != 0 || line is null)
            {
                var why = OutputFile is not null ? "see " + OutputFile : (await errors).Trim().ReplaceLineEndings(" ");
                throw new PlatformException($"{Program} failed against {Target} (exit {wrk.ExitCode}{(why.Length > 0 ? "; " + why : "")})");
            }
            return line;
        }
    }
}
