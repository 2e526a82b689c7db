using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Gateway.Outliers;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Tests.Outliers;

/// <summary>
/// The detector's judgement on its own: who is ejected, and when nobody may be. Probing back in needs
/// a real replica and is covered by SlowReplicaTests; here the destinations have no address, so an
/// ejected one stays out.
/// </summary>
public sealed class OutlierDetectorTests : IDisposable
{
    private const string Cluster = "replicas";
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(150);

    private readonly ApplicationLifetime _lifetime = new(NullLogger<ApplicationLifetime>.Instance);
    private readonly DestinationState[] _replicas = [new("api-1"), new("api-2"), new("api-3")];

    [Fact]
    public void A_replica_that_has_not_answered_enough_reads_yet_is_not_ejected_for_losing_races()
    {
        using var detector = Detector(new OutlierOptions());
        for (var i = 0; i < 9; i++)
            detector.Answered(Cluster, _replicas[1], _replicas, Fast);
        for (var i = 0; i < 10; i++)
            detector.Beaten(Cluster, _replicas[1], _replicas);
        Assert.False(detector.IsEjected(_replicas[1]));

        detector.Answered(Cluster, _replicas[1], _replicas, Fast);
        for (var i = 0; i < 3; i++)
            detector.Beaten(Cluster, _replicas[1], _replicas);
        Assert.True(detector.IsEjected(_replicas[1]));
    }

    [Fact]
    public void Losing_three_races_in_a_row_ejects_a_replica_and_an_answer_in_between_resets_the_count()
    {
        using var detector = Detector(new OutlierOptions());
        WarmUp(detector);
        detector.Beaten(Cluster, _replicas[1], _replicas);
        detector.Beaten(Cluster, _replicas[1], _replicas);
        detector.Answered(Cluster, _replicas[1], _replicas, Fast);
        detector.Beaten(Cluster, _replicas[1], _replicas);
        Assert.False(detector.IsEjected(_replicas[1]));

        detector.Beaten(Cluster, _replicas[1], _replicas);
        detector.Beaten(Cluster, _replicas[1], _replicas);
        Assert.True(detector.IsEjected(_replicas[1]));
        Assert.False(detector.IsEjected(_replicas[0]));
    }

    [Fact]
    public void At_most_half_the_replicas_are_ejected_at_once_and_never_the_last()
    {
        using var detector = Detector(new OutlierOptions());
        WarmUp(detector);
        foreach (var replica in _replicas)
        {
            for (var i = 0; i < 3; i++)
                detector.Beaten(Cluster, replica, _replicas);
        }
        Assert.Equal(1, _replicas.Count(detector.IsEjected));

        using var allowingAll = Detector(new OutlierOptions { MaxEjectedPercent = 100 });
        WarmUp(allowingAll);
        foreach (var replica in _replicas)
        {
            for (var i = 0; i < 3; i++)
                allowingAll.Beaten(Cluster, replica, _replicas);
        }
        Assert.Equal(2, _replicas.Count(allowingAll.IsEjected));
    }

    [Fact]
    public void A_replica_far_slower_than_its_peers_is_ejected_once_it_has_enough_answers()
    {
        using var detector = Detector(new OutlierOptions());
        for (var i = 0; i < 19; i++)
        {
            detector.Answered(Cluster, _replicas[0], _replicas, Fast);
            detector.Answered(Cluster, _replicas[2], _replicas, Fast);
            detector.Answered(Cluster, _replicas[1], _replicas, Slow);
        }
        Assert.False(detector.IsEjected(_replicas[1])); // 19 answers: not judged yet

        detector.Answered(Cluster, _replicas[0], _replicas, Fast);
        detector.Answered(Cluster, _replicas[2], _replicas, Fast);
        detector.Answered(Cluster, _replicas[1], _replicas, Slow);
        Assert.True(detector.IsEjected(_replicas[1]));
    }

    [Fact]
    public void Replicas_equally_slow_together_are_none_of_them_outliers()
    {
        using var detector = Detector(new OutlierOptions());
        for (var i = 0; i < 50; i++)
        {
            foreach (var replica in _replicas)
                detector.Answered(Cluster, replica, _replicas, Slow);
        }
        Assert.DoesNotContain(_replicas, detector.IsEjected);
    }

    [Fact]
    public void Slow_but_under_the_floor_is_not_an_outlier()
    {
        using var detector = Detector(new OutlierOptions());
        for (var i = 0; i < 50; i++)
        {
            detector.Answered(Cluster, _replicas[0], _replicas, TimeSpan.FromMilliseconds(1));
            detector.Answered(Cluster, _replicas[2], _replicas, TimeSpan.FromMilliseconds(1));
            detector.Answered(Cluster, _replicas[1], _replicas, TimeSpan.FromMilliseconds(20)); // 20× its peers, under 50 ms
        }
        Assert.False(detector.IsEjected(_replicas[1]));
    }

    [Fact]
    public void Turned_off_it_ejects_nobody()
    {
        using var detector = Detector(new OutlierOptions { Enabled = false });
        WarmUp(detector);
        for (var i = 0; i < 10; i++)
            detector.Beaten(Cluster, _replicas[1], _replicas);
        Assert.False(detector.IsEjected(_replicas[1]));
    }

    public void Dispose() => _lifetime.StopApplication();

    /// <summary>Every replica has answered enough quick reads for lost races to count.</summary>
    private void WarmUp(OutlierDetector detector)
    {
        for (var i = 0; i < new OutlierOptions().WarmUpAnswers; i++)
        {
            foreach (var replica in _replicas)
                detector.Answered(Cluster, replica, _replicas, Fast);
        }
    }

    private OutlierDetector Detector(OutlierOptions options) => new(
        new FixedOptions(options), TimeProvider.System, new ServiceCollection().BuildServiceProvider(),
        _lifetime, NullLogger<OutlierDetector>.Instance);

    private sealed class FixedOptions(OutlierOptions value) : IOptionsMonitor<OutlierOptions>
    {
        public OutlierOptions CurrentValue => value;

        public OutlierOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OutlierOptions, string?> listener) => null;
    }
}
