using System.Globalization;
using System.Text;
using Platform.Load.Scenarios;

namespace Platform.Load.Cli;

/// <summary>The scenario list printed when no scenario is named.</summary>
public static class Usage
{
    public static string Text()
    {
        var text = new StringBuilder("usage: ./platform bench SCENARIO [--short]\n\nscenarios:\n");
        foreach (var scenario in ScenarioCatalog.All(isShort: false))
            text.Append(CultureInfo.InvariantCulture, $"  {scenario.Plan.Name,-22} {scenario.Plan.Shape}\n");
        text.Append("\nwrk benches (settings by BENCH_* variables, docs/load-scenarios.md):\n")
            .Append("  paired STATE-DIR-A STATE-DIR-B   two running platforms side by side, medians and B/A ratios\n")
            .Append("  compare                          creates straight to a replica vs through the gateway vs nginx\n")
            .Append("  writes                           the write path: one replica, every replica at once, the database ceiling\n")
            .Append("  gateway                          what the gateway adds per request: direct, gateway on/off, nginx, YARP floor, baseline\n");
        text.Append("\n--short runs each at a tenth of its length (faults keep at least 60 s; endurance 6 min);\n")
            .Append("the slow faults have short versions of their own: freeze 10 s, slow 10 s, stall 8 s, each under 45 s.\n");
        return text.ToString();
    }
}
