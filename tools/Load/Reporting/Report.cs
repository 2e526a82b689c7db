namespace Platform.Load.Reporting;

/// <summary>Everything a run's report holds besides the request records.</summary>
public sealed class Report
{
    public List<Verdict> Verdicts { get; } = [];

    /// <summary>Extra Markdown sections, in order: (heading, body).</summary>
    public List<(string Heading, string Body)> Sections { get; } = [];

    /// <summary>Extra files written beside report.md: (name, content).</summary>
    public List<(string Name, string Content)> Files { get; } = [];

    public bool Passed => Verdicts.All(v => v.Passed);
}
