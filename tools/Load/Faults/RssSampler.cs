using System.Globalization;
using System.Text;
using Platform.Load.Reporting;
using Platform.Load.Runs;
using Platform.Load.Traffic;
using Platform.Topology.Processes;

namespace Platform.Load.Faults;

/// <summary>One sample: when (ms into the run), which process, its resident memory in KiB.</summary>
public sealed record RssSample(double AtMs, string Process, long RssKib);

/// <summary>Samples every platform process's VmRSS on a period, for endurance and the flood.</summary>
public sealed class RssSampler(ProcessTable processes, RunClock clock, IReadOnlyList<string>? only = null)
{
    public List<RssSample> Samples { get; } = [];

    public Task RunAsync(TimeSpan every, CancellationToken stop) => Sampling.EveryAsync(every, () =>
    {
        SampleOnce();
        return Task.CompletedTask;
    }, stop);

    public void SampleOnce()
    {
        foreach (var name in only ?? processes.Names())
        {
            if (processes.RunningPid(name) is { } pid && ProcessTable.ResidentKib(pid) is { } rss)
            {
                lock (Samples)
                    Samples.Add(new RssSample(clock.ElapsedMs, name, rss));
            }
        }
    }

    public string ToCsv()
    {
        var text = new StringBuilder("offset_s,process,rss_mib\n");
        foreach (var s in Samples)
            text.Append(Csv.Line(Csv.Number(s.AtMs / 1000), s.Process, Csv.Number(s.RssKib / 1024.0))).Append('\n');
        return text.ToString();
    }

    public string ToSvg(string title)
    {
        string[] colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
        var series = Samples.GroupBy(s => s.Process).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select((g, i) => new Series(g.Key, colors[i % colors.Length], g.Select(s => (s.AtMs / 1000, s.RssKib / 1024.0)).ToList()))
            .ToList();
        return LineChart.Document(title, ("Resident memory (VmRSS)", "time (s)", "RSS (MiB)", series));
    }

    /// <summary>First, peak and last RSS per process, in MiB.</summary>
    public string Markdown()
    {
        var text = new StringBuilder("| Process | First (MiB) | Peak (MiB) | Last (MiB) | Last − first (MiB) |\n| --- | ---: | ---: | ---: | ---: |\n");
        foreach (var g in Samples.GroupBy(s => s.Process).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            double first = g.First().RssKib / 1024.0, peak = g.Max(s => s.RssKib) / 1024.0, last = g.Last().RssKib / 1024.0;
            text.Append(CultureInfo.InvariantCulture, $"| {g.Key} | {first:0.0} | {peak:0.0} | {last:0.0} | {last - first:+0.0;-0.0;0.0} |\n");
        }

        return text.ToString();
    }
}
