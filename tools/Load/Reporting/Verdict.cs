namespace Platform.Load.Reporting;

/// <summary>One line of the report's verdicts; any failed verdict fails the run (exit 1).</summary>
public sealed record Verdict(string Name, bool Passed, string Detail)
{
    public string Markdown => $"- **{Name}: {(Passed ? "PASSED" : "FAILED")}** — {Detail}";
}
