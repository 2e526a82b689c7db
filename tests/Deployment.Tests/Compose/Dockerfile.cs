namespace Platform.Deployment.Tests.Compose;

/// <summary>A Dockerfile as instructions (continuation lines joined, comments dropped), split into stages.</summary>
internal sealed class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<IReadOnlyList<Instruction>> stages)
    {
        Path = path;
        Stages = stages;
    }

    public string Path { get; }

    /// <summary>Each stage's instructions, starting with its FROM; instructions before the first FROM (ARG) are left out.</summary>
    public IReadOnlyList<IReadOnlyList<Instruction>> Stages { get; }

    public IReadOnlyList<Instruction> FinalStage => Stages.Count > 0 ? Stages[^1] : [];

    public IEnumerable<Instruction> All => Stages.SelectMany(stage => stage);

    public static Dockerfile Load(string path)
    {
        var instructions = new List<Instruction>();
        var pending = "";
        foreach (var rawLine in File.ReadAllLines(path))
        {
            var line = rawLine.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var full = (pending + line).Trim();
            pending = "";
            if (full.Length == 0)
            {
                continue;
            }

            var space = full.IndexOfAny([' ', '\t']);
            instructions.Add(space < 0
                ? new Instruction(full.ToUpperInvariant(), "")
                : new Instruction(full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }

        var stages = new List<IReadOnlyList<Instruction>>();
        List<Instruction>? current = null;
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                current = [];
                stages.Add(current);
            }

            current?.Add(instruction);
        }

        return new Dockerfile(path, stages);
    }

    /// <summary>The variables an ENV or ARG instruction sets, with their values (null: ARG without a default).</summary>
    public static IEnumerable<(string Name, string? Value)> Variables(Instruction instruction)
    {
        var arguments = instruction.Arguments;
        if (instruction.Keyword == "ARG")
        {
            foreach (var argument in Split(arguments))
            {
                var equals = argument.IndexOf('=', StringComparison.Ordinal);
                yield return equals < 0 ? (argument, null) : (argument[..equals], argument[(equals + 1)..]);
            }

            yield break;
        }

        if (instruction.Keyword != "ENV")
        {
            yield break;
        }

        var words = Split(arguments);
        if (words.Count > 0 && !words[0].Contains('=', StringComparison.Ordinal))
        {
            // Legacy form: ENV NAME value with spaces.
            yield return (words[0], string.Join(' ', words.Skip(1)));
            yield break;
        }

        foreach (var word in words)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            yield return equals < 0 ? (word, null) : (word[..equals], word[(equals + 1)..].Trim('"'));
        }
    }

    private static List<string> Split(string arguments) =>
        arguments.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();

    internal sealed record Instruction(string Keyword, string Arguments);
}
