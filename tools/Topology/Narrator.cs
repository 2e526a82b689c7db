namespace Platform.Topology;

/// <summary>What the platform's operations tell the operator: progress on stdout (<c>==&gt; …</c>), warnings on stderr.</summary>
public sealed class Narrator(TextWriter output, TextWriter errors)
{
    /// <summary>Says nothing: for callers that keep their own record (the load scenarios restarting a replica).</summary>
    public static Narrator Silent { get; } = new(TextWriter.Null, TextWriter.Null);

    public static Narrator Console { get; } = new(System.Console.Out, System.Console.Error);

    public TextWriter Output { get; } = output;

    public void Info(string message) => Output.WriteLine($"==> {message}");

    public void Warn(string message) => errors.WriteLine($"warning: {message}");

    /// <summary>The last lines of a log, on stderr, to explain why something did not start.</summary>
    public void ShowLogTail(string log, string displayName)
    {
        if (!File.Exists(log) || new FileInfo(log).Length == 0)
        {
            return;
        }

        errors.WriteLine($"--- last 30 lines of {displayName} ---");
        foreach (var line in File.ReadLines(log).TakeLast(30))
        {
            errors.WriteLine(line);
        }

        errors.WriteLine("---");
    }
}
