using System.Globalization;
using Platform.Load.Audit;
using Platform.Load.Cli;
using Platform.Load.Reporting;
using Platform.Load.Traffic;
using Platform.Load.Workload;
using Platform.Topology.Processes;

namespace Platform.Load.Runs;

/// <summary>
/// A run in progress, as a scenario sees it: the platform's settings and processes, the run's clock, log,
/// driver and users, the clients and the request mix, the report, and the tasks beside the traffic.
/// Disposing it disposes what a scenario gave it to own (a replica freezer thaws its replica then), and
/// the runner disposes it whatever the run did.
/// </summary>
public sealed class ScenarioRun(BenchSettings settings, ReservationAudit audit, ReservationMix mix, RunClock clock,
    IReadOnlyDictionary<string, HttpClient> clients, Action<string> print) : IDisposable
{
    private readonly List<Task> _beside = [];
    private readonly List<IDisposable> _owned = [];
    private readonly List<string> _events = [];
    private readonly CancellationTokenSource _stopBeside = new();

    public BenchSettings Settings { get; } = settings;

    /// <summary>The platform's processes by their pid files (a pid counts only while its process is the named one).</summary>
    public ProcessTable Processes { get; } = new(settings.Platform.Layout);

    public ReservationAudit Audit { get; } = audit;

    public ReservationMix Mix { get; } = mix;

    public RunClock Clock { get; } = clock;

    public RequestLog Log { get; } = new();

    /// <summary>One client per identity the run sends as, by name (a key of the bench API keys file).</summary>
    public IReadOnlyDictionary<string, HttpClient> Clients { get; } = clients;

    public OpenModelDriver Driver => field ??= new OpenModelDriver(Clock, Log);

    /// <summary>Every user the driver sends as; a scenario may add or move users before the traffic starts.</summary>
    public List<VirtualUser> Users { get; } = [];

    public Report Report { get; } = new();

    /// <summary>Cancelled to end the traffic early (the stress scenario's break point).</summary>
    public CancellationTokenSource StopRun { get; } = new();

    /// <summary>Cancelled once the traffic ended: everything beside it stops then.</summary>
    public CancellationToken StopBeside => _stopBeside.Token;

    /// <summary>The run's events so far (faults, restarts, the warm-up), each as printed.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
                return [.. _events];
        }
    }

    /// <summary>Runs <paramref name="task"/> beside the traffic; the runner waits for it after <see cref="StopBeside"/>.</summary>
    public void Beside(Task task) => _beside.Add(task);

    /// <summary>Runs <paramref name="action"/> beside the traffic, <paramref name="atMs"/> into the run.</summary>
    public void At(double atMs, Func<Task> action) => Beside(AtAsync(atMs, action));

    /// <summary>Disposes <paramref name="disposable"/> with the run.</summary>
    public T Owns<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>An event of the run, stamped with its time: printed, and listed in the report.</summary>
    public void Note(string text) => Event(string.Create(CultureInfo.InvariantCulture, $"{Clock.ElapsedMs / 1000:0.0} s: {text}"));

    /// <summary>A line printed and listed in the report's events as it is.</summary>
    public void Event(string line)
    {
        lock (_events)
            _events.Add(line);
        print(line);
    }

    /// <summary>Ends everything beside the traffic and waits for it.</summary>
    public async Task StopBesideAsync()
    {
        await _stopBeside.CancelAsync();
        await Task.WhenAll(_beside);
    }

    private async Task AtAsync(double atMs, Func<Task> action)
    {
        var wait = atMs - Clock.ElapsedMs;
        if (wait > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(wait));
        await action();
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
            owned.Dispose();
        foreach (var client in Clients.Values)
            client.Dispose();
        StopRun.Dispose();
        _stopBeside.Dispose();
    }
}
