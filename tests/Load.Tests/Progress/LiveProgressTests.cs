using Platform.Load.Progress;
using Platform.Load.Traffic;
using Spectre.Console;

namespace Platform.Load.Tests.Progress;

/// <summary>
/// The live progress on a console Spectre.Console writes into a string: drawn on an interactive ANSI
/// terminal, silent when stdout is redirected or the console is not interactive (a CI log), where the
/// run's lines go out plainly.
/// </summary>
public sealed class LiveProgressTests
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(20);

    private static IAnsiConsole Terminal(StringWriter screen, bool interactive = true) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.Yes,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        Out = new AnsiConsoleOutput(screen),
    });

    /// <summary>Traffic of 100 answers, one failed, over a few redraws.</summary>
    private static async Task TrafficAsync(RequestLog log)
    {
        for (var i = 0; i < 100; i++)
            log.Add(new RequestRecord(i, 40, "GET /api/v1/health", "load", i == 0 ? 503 : 200, null, "api-1", i == 0));
        await Task.Delay(Every * 5);
    }

    private static async Task<(LiveProgress Progress, bool Sent)> RunAsync(StringWriter screen, StringWriter plain, bool redirected, bool interactive = true)
    {
        var progress = LiveProgress.For(Terminal(screen, interactive), redirected, plain, Every);
        var log = new RequestLog();
        var sent = false;
        progress.WriteLine("an event of the run");
        await progress.ShowAsync(log, new RunClock(), 60_000, async () =>
        {
            await TrafficAsync(log);
            sent = true;
        });
        return (progress, sent);
    }

    [Fact]
    public async Task On_an_interactive_terminal_it_draws_elapsed_rate_p95_and_failures_and_the_runs_lines()
    {
        using var screen = new StringWriter();
        using var plain = new StringWriter();

        var (progress, sent) = await RunAsync(screen, plain, redirected: false);

        Assert.True(progress.IsLive);
        Assert.True(sent);
        var drawn = screen.ToString();
        Assert.Contains("an event of the run", drawn, StringComparison.Ordinal);
        foreach (var heading in new[] { "elapsed", "rate", "p95 so far", "failures" })
            Assert.Contains(heading, drawn, StringComparison.Ordinal);
        Assert.Contains("/ 60 s", drawn, StringComparison.Ordinal);
        Assert.Contains("40.0 ms", drawn, StringComparison.Ordinal);
        Assert.Contains("1 (1.0 %)", drawn, StringComparison.Ordinal);
        Assert.Empty(plain.ToString());
    }

    /// <summary>Without the progress's own gate, Spectre's display and a line from another thread deadlock: the timeout fails it instead of hanging.</summary>
    [Fact(Timeout = 10_000)]
    public async Task Lines_written_from_other_threads_while_the_table_is_live_are_printed_too()
    {
        using var screen = new StringWriter();
        var progress = LiveProgress.For(Terminal(screen), outputRedirected: false, TextWriter.Null, Every);
        var log = new RequestLog();

        await progress.ShowAsync(log, new RunClock(), 60_000, async () =>
        {
            var traffic = TrafficAsync(log);
            // Ten threads, ten lines each, spread over several redraws, as faults and samplers note events.
            await Task.WhenAll(Enumerable.Range(0, 10).Select(thread => Task.Run(async () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    progress.WriteLine($"event {(thread * 10) + i} of the run");
                    await Task.Delay(Every / 4);
                }
            })));
            await traffic;
        });

        Assert.All(Enumerable.Range(0, 100), i => Assert.Contains($"event {i} of the run", screen.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_stdout_redirected_it_draws_nothing_and_the_runs_lines_go_out_plainly()
    {
        using var screen = new StringWriter();
        using var plain = new StringWriter();

        var (progress, sent) = await RunAsync(screen, plain, redirected: true);

        Assert.False(progress.IsLive);
        Assert.True(sent);
        Assert.Empty(screen.ToString());
        Assert.Equal("an event of the run" + Environment.NewLine, plain.ToString());
    }

    [Fact]
    public async Task On_a_console_that_is_not_interactive_such_as_a_CI_log_it_draws_nothing()
    {
        using var screen = new StringWriter();
        using var plain = new StringWriter();

        var (progress, sent) = await RunAsync(screen, plain, redirected: false, interactive: false);

        Assert.False(progress.IsLive);
        Assert.True(sent);
        Assert.Empty(screen.ToString());
        Assert.Equal("an event of the run" + Environment.NewLine, plain.ToString());
    }
}
