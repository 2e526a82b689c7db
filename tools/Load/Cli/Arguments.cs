namespace Platform.Load.Cli;

/// <summary>The command line: <c>[SCENARIO] [--short]</c>. Anything else is a usage error (exit 64).</summary>
public sealed record Arguments(string? Scenario, bool IsShort)
{
    public const int UsageError = 64;

    /// <summary>Parses, or returns the message for a usage error.</summary>
    public static (Arguments? Parsed, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? scenario = null;
        var isShort = false;
        foreach (var arg in args)
        {
            if (arg == "--short")
                isShort = true;
            else if (arg.StartsWith('-'))
                return (null, $"unknown option '{arg}' (the only option is --short)");
            else if (scenario is not null)
                return (null, $"one scenario at a time: got '{scenario}' and '{arg}'");
            else if (!Scenarios.ScenarioCatalog.Names.Contains(arg))
                return (null, $"unknown scenario '{arg}'; run './platform bench' for the list");
            else
                scenario = arg;
        }

        return (new Arguments(scenario, isShort), null);
    }
}
