using Platform.Load.Traffic;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Platform.Load.Progress;

/// <summary>
/// While the traffic runs, a live table on the terminal, redrawn every second: elapsed of total, the
/// request rate, p95 so far and failures, as Locust and k6 show. Quiet when stdout is not a terminal
/// (redirected, or a CI log that Spectre.Console detects as not interactive): there the run prints only
/// its events and the final report, as before. The run's events go through <see cref="WriteLine"/>, so
/// on a terminal they scroll above the table instead of tearing it.
/// </summary>
/// <remarks>
/// Spectre.Console, because a table redrawn in place while other lines scroll above it needs cursor
/// control, terminal capability detection (ANSI, interactive, CI) and line wrapping to the terminal's
/// width; its live display does all of that, where hand-written ANSI escapes would have to do each of
/// them again. What it leaves to the caller is that two threads must not write at once (Display).
/// </remarks>
public sealed class LiveProgress
{
    public static readonly TimeSpan DefaultEvery = TimeSpan.FromSeconds(1);
    private static readonly string[] Figures = ["requests", "rate", "p95 so far", "failures"];

    private readonly IAnsiConsole? _live;
    private readonly TextWriter _plain;
    private readonly TimeSpan _every;
    private readonly Lock _gate = new();

    private LiveProgress(IAnsiConsole? live, TextWriter plain, TimeSpan every)
    {
        _live = live;
        _plain = plain;
        _every = every;
    }

    /// <summary>For this process's stdout.</summary>
    public static LiveProgress ForConsole() => For(AnsiConsole.Console, Console.IsOutputRedirected, Console.Out, DefaultEvery);

    /// <summary>
    /// Live on <paramref name="console"/> when stdout is not redirected and the console is interactive and
    /// understands ANSI; otherwise quiet, and lines go to <paramref name="plain"/> as they are.
    /// </summary>
    public static LiveProgress For(IAnsiConsole console, bool outputRedirected, TextWriter plain, TimeSpan every) =>
        new(!outputRedirected && console.Profile.Capabilities is { Interactive: true, Ansi: true } ? console : null, plain, every);

    public bool IsLive => _live is not null;

    /// <summary>Prints a line of the run, from any thread: above the live table, or plainly when quiet.</summary>
    public void WriteLine(string line)
    {
        if (_live is null)
        {
            _plain.WriteLine(line);
            return;
        }

        lock (_gate)
            _live.WriteLine(line);
    }

    /// <summary>Runs <paramref name="traffic"/>, showing the figures of <paramref name="log"/> until it ends (when live).</summary>
    public async Task ShowAsync(RequestLog log, RunClock clock, double totalMs, Func<Task> traffic)
    {
        if (_live is null)
        {
            await traffic();
            return;
        }

        var figures = new RunningFigures(log, totalMs);
        var sending = traffic();
        await Task.Factory.StartNew(() => Display(_live, figures, clock, sending), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await sending;
    }

    /// <summary>
    /// The live display, on a thread of its own until <paramref name="sending"/> ends. Spectre.Console's
    /// live display is not safe to write to from two threads at once: a redraw takes the display's lock
    /// and then the console's, a line written meanwhile the console's and then the display's (its render
    /// hook), and the two deadlock. So every call into the console, the display's own start and end
    /// included, holds the gate, each for one write; the run's events take it in <see cref="WriteLine"/>.
    /// </summary>
    private void Display(IAnsiConsole console, RunningFigures figures, RunClock clock, Task sending)
    {
        _gate.Enter();
        try
        {
            console.Live(Render(figures.Update(clock.ElapsedMs))).AutoClear(false).Start(display =>
            {
                _gate.Exit();
                try
                {
                    while (Task.WaitAny([sending], _every) < 0)
                        Redraw(display, figures.Update(clock.ElapsedMs));
                    Redraw(display, figures.Update(clock.ElapsedMs));
                }
                finally
                {
                    _gate.Enter();
                }
            });
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void Redraw(LiveDisplayContext display, ProgressFigures figures)
    {
        lock (_gate)
            display.UpdateTarget(Render(figures));
    }

    /// <summary>The table the live display shows.</summary>
    public static IRenderable Render(ProgressFigures figures)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("elapsed");
        foreach (var figure in Figures)
            table.AddColumn(new TableColumn(figure).RightAligned());
        table.AddRow(figures.ElapsedText, figures.Requests.ToString(System.Globalization.CultureInfo.InvariantCulture), figures.RateText,
            figures.P95Text, figures.FailuresText);
        return table;
    }
}
