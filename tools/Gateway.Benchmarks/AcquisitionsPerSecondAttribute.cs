using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Platform.Gateway.Benchmarks;

/// <summary>Adds the throughput column: the targets are stated in acquisitions per second.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AcquisitionsPerSecondAttribute : ColumnConfigBaseAttribute
{
    public AcquisitionsPerSecondAttribute()
        : base(new AcquisitionsPerSecondColumn())
    {
    }
}

/// <summary>1 / Mean: acquisitions per second over all threads together.</summary>
internal sealed class AcquisitionsPerSecondColumn : IColumn
{
    public string Id => nameof(AcquisitionsPerSecondColumn);

    public string ColumnName => "Acquires/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Acquisitions per second, all threads together (10^9 / Mean in ns)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { Mean: > 0 } statistics
            ? $"{1e9 / statistics.Mean / 1e6:N1} M"
            : "-";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
