using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Prometheus;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Outliers;

/// <summary>
/// Takes a replica out of rotation when it answers, but slowly: beaten by copies sent to its peers
/// <see cref="OutlierOptions.ConsecutiveSlow"/> times in a row, or a recent mean time to answer
/// reads far above its peers'. Judged against peers, so a database stall that slows every replica alike
/// ejects none. After an ejection time that doubles when it is ejected again soon after, the
/// replica is probed, and rejoins only after <see cref="OutlierOptions.ProbeSuccesses"/> quick
/// answers in a row: real traffic never meets it while it is still slow.
/// </summary>
/// <remarks>
/// Beside YARP's health, not through it: a passive policy's verdict is overwritten by the next one
/// (YARP's transport-failure policy marks a destination healthy again when a late answer from it
/// arrives), and YARP has no latency-based policy. The ejection is applied by filtering the
/// candidates before load balancing (<see cref="OutlierEjection"/>), the extension point YARP's
/// pipeline offers for it.
/// </remarks>
public sealed partial class OutlierDetector(
    IOptionsMonitor<OutlierOptions> options,
    TimeProvider clock,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<OutlierDetector> logger) : IDisposable
{
    public const string ReasonTimeouts = "timeouts";
    public const string ReasonLatency = "latency";
    private const double Smoothing = 0.3;

    private static readonly Counter Ejections = Metrics.CreateCounter(
        "gateway_upstream_ejections_total",
        "Replicas taken out of rotation by the outlier detector, by reason: timeouts (beaten by copies to its peers) or latency (mean answer time far above its peers').",
        "cluster", "destination", "reason");

    private readonly ConditionalWeakTable<DestinationState, Record> _records = new();
    private readonly HttpClient _probes = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1), UseProxy = false });

    public static void Publish(string cluster, string destination)
    {
        Ejections.WithLabels(cluster, destination, ReasonTimeouts);
        Ejections.WithLabels(cluster, destination, ReasonLatency);
    }

    public static void Unpublish(string cluster, string destination)
    {
        Ejections.RemoveLabelled(cluster, destination, ReasonTimeouts);
        Ejections.RemoveLabelled(cluster, destination, ReasonLatency);
    }

    public bool IsEjected(DestinationState destination) =>
        _records.TryGetValue(destination, out var record) && Volatile.Read(ref record.Ejected);

    /// <summary>A successful answer to a read from <paramref name="destination"/> after <paramref name="elapsed"/>, not beaten by a copy.</summary>
    public void Answered(string cluster, DestinationState destination, IReadOnlyList<DestinationState> peers, TimeSpan elapsed)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled)
            return;
        var record = _records.GetValue(destination, static _ => new Record());
        double mean;
        int samples;
        lock (record)
        {
            record.ConsecutiveSlow = 0;
            record.MeanMs = record.Samples == 0 ? elapsed.TotalMilliseconds : record.MeanMs + Smoothing * (elapsed.TotalMilliseconds - record.MeanMs);
            samples = ++record.Samples;
            mean = record.MeanMs;
        }
        if (samples >= settings.MinSamples && mean > settings.LatencyFloor.TotalMilliseconds
            && PeersMedianMs(destination, peers, settings.MinSamples) is { } median && mean > settings.LatencyFactor * median)
        {
            Eject(cluster, destination, peers, record, ReasonLatency, settings);
        }
    }

    /// <summary><paramref name="destination"/> was beaten by a copy sent to a peer (or had not answered within the per-try timeout when one did).</summary>
    public void Beaten(string cluster, DestinationState destination, IReadOnlyList<DestinationState> peers)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled)
            return;
        var record = _records.GetValue(destination, static _ => new Record());
        int slow;
        lock (record)
        {
            if (record.Samples < settings.WarmUpAnswers)
                return;
            slow = ++record.ConsecutiveSlow;
        }
        if (slow >= settings.ConsecutiveSlow)
            Eject(cluster, destination, peers, record, ReasonTimeouts, settings);
    }

    public void Dispose() => _probes.Dispose();

    private void Eject(string cluster, DestinationState destination, IReadOnlyList<DestinationState> peers, Record record, string reason, OutlierOptions settings)
    {
        var ejected = 0;
        foreach (var peer in peers)
        {
            if (!ReferenceEquals(peer, destination) && IsEjected(peer))
                ejected++;
        }
        var allowed = Math.Min(peers.Count - 1, peers.Count * settings.MaxEjectedPercent / 100);
        var now = clock.GetUtcNow();
        TimeSpan length;
        lock (record)
        {
            if (record.Ejected || ejected >= allowed)
                return;
            // Ejected again soon after it rejoined: the replica is still bad, so it waits longer.
            record.Ejections = now - record.RejoinedAt < settings.MaxEjectionTime ? record.Ejections + 1 : 1;
            length = TimeSpan.FromTicks(Math.Min(settings.MaxEjectionTime.Ticks,
                settings.BaseEjectionTime.Ticks << Math.Min(record.Ejections - 1, 20)));
            Volatile.Write(ref record.Ejected, true);
        }
        Ejections.WithLabels(cluster, destination.DestinationId, reason).Inc();
        LogEjected(cluster, destination.DestinationId, reason, length.TotalSeconds);
        _ = ProbeBackAsync(cluster, destination, record, length);
    }

    /// <summary>Waits out the ejection, then probes until the replica answers quickly enough times in a row, or leaves the cluster.</summary>
    private async Task ProbeBackAsync(string cluster, DestinationState destination, Record record, TimeSpan ejection)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            await Task.Delay(ejection, clock, stopping);
            var passed = 0;
            while (passed < options.CurrentValue.ProbeSuccesses)
            {
                if (!StillIn(cluster, destination))
                    return;
                var settings = options.CurrentValue;
                passed = await ProbeAsync(destination, settings, stopping) ? passed + 1 : 0;
                await Task.Delay(settings.ProbeInterval, clock, stopping);
            }
            lock (record)
            {
                // Judged afresh: its old mean would eject it again on its first answer.
                record.Samples = 0;
                record.ConsecutiveSlow = 0;
                record.RejoinedAt = clock.GetUtcNow();
                Volatile.Write(ref record.Ejected, false);
            }
            LogRejoined(cluster, destination.DestinationId);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> ProbeAsync(DestinationState destination, OutlierOptions settings, CancellationToken stopping)
    {
        if (destination.Model is not { } model)
            return false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(settings.ProbeTimeout);
        try
        {
            using var response = await _probes.GetAsync(new Uri(model.Config.Address.TrimEnd('/') + settings.ProbePath), timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception error) when (error is HttpRequestException || (error is OperationCanceledException && !stopping.IsCancellationRequested))
        {
            return false;
        }
    }

    // Resolved when needed: the proxy's state depends on the client factory, which depends on this.
    private bool StillIn(string cluster, DestinationState destination) =>
        services.GetService<IProxyStateLookup>() is { } proxy
        && proxy.TryGetCluster(cluster, out var state)
        && state.Destinations.TryGetValue(destination.DestinationId, out var current)
        && ReferenceEquals(current, destination);

    private double? PeersMedianMs(DestinationState destination, IReadOnlyList<DestinationState> peers, int minSamples)
    {
        Span<double> means = stackalloc double[Math.Min(peers.Count, 64)];
        var n = 0;
        foreach (var peer in peers)
        {
            if (n == means.Length || ReferenceEquals(peer, destination) || !_records.TryGetValue(peer, out var record))
                continue;
            lock (record)
            {
                if (record.Samples >= minSamples)
                    means[n++] = record.MeanMs;
            }
        }
        if (n == 0)
            return null;
        means = means[..n];
        means.Sort();
        return n % 2 == 1 ? means[n / 2] : (means[n / 2 - 1] + means[n / 2]) / 2;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ejected {Cluster}/{Destination} for {Reason}; probing it again in {Seconds} s")]
    private partial void LogEjected(string cluster, string destination, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Cluster}/{Destination} answered its probes quickly and rejoined the rotation")]
    private partial void LogRejoined(string cluster, string destination);

    private sealed class Record
    {
        public bool Ejected;
        public double MeanMs;
        public int Samples;
        public int ConsecutiveSlow;
        public int Ejections;
        public DateTimeOffset RejoinedAt = DateTimeOffset.MinValue;
    }
}
