using Platform.Load.Wrk.Paired;

namespace Platform.Load.Tests.Wrk;

/// <summary>
/// <c>./platform bench paired STATE-A STATE-B</c>'s command line and BENCH_* settings: the defaults the bash
/// script had, and every bad or hostile value refused with a message before anything runs.
/// </summary>
public sealed class PairedArgumentsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("paired-arguments-");

    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public PairedArgumentsTests()
    {
        _root.CreateSubdirectory("a");
        _root.CreateSubdirectory("b");
        File.WriteAllText(Path.Combine(_root.FullName, "file"), "not a directory");
    }

    public void Dispose() => _root.Delete(recursive: true);

    private (PairedArguments? Parsed, string? Error) Parse(params string[] args) =>
        PairedArguments.Parse(args, name => _variables.GetValueOrDefault(name), _root.FullName);

    [Fact]
    public void Without_settings_the_defaults_of_the_bash_script_apply_and_the_directories_are_made_absolute()
    {
        var (parsed, error) = Parse("a", Path.Combine(_root.FullName, "b"));

        Assert.Null(error);
        Assert.NotNull(parsed);
        Assert.Equal([Path.Combine(_root.FullName, "a"), Path.Combine(_root.FullName, "b")], parsed.States);
        Assert.Equal(4, parsed.Rounds);
        Assert.Equal(10, parsed.Duration);
        Assert.Equal(5, parsed.Warmup);
        Assert.Equal(16, parsed.Connections);
        Assert.Equal(["read", "create"], parsed.Workloads);
        Assert.Equal(["A", "B"], parsed.Labels);
    }

    [Fact]
    public void The_settings_are_read_from_the_BENCH_variables()
    {
        _variables["BENCH_ROUNDS"] = "6";
        _variables["BENCH_DURATION"] = "3";
        _variables["BENCH_WARMUP"] = "0";
        _variables["BENCH_CONNECTIONS"] = "8";
        _variables["BENCH_WORKLOADS"] = " health  create ";
        _variables["BENCH_LABELS"] = "before after";

        var (parsed, _) = Parse("a", "b/");

        Assert.NotNull(parsed);
        Assert.Equal((6, 3, 0, 8), (parsed.Rounds, parsed.Duration, parsed.Warmup, parsed.Connections));
        Assert.Equal(["health", "create"], parsed.Workloads);
        Assert.Equal(["before", "after"], parsed.Labels);
        Assert.Null(parsed.BackupBeside);
    }

    [Theory]
    [InlineData("A", 0)]
    [InlineData("B", 1)]
    public void A_side_may_back_up_during_its_runs(string side, int index)
    {
        _variables["BENCH_BACKUP_BESIDE"] = side;

        var (parsed, _) = Parse("a", "b");

        Assert.Equal(index, parsed!.BackupBeside);
    }

    [Theory]
    [InlineData(new string[0], "two state directories")]
    [InlineData(new[] { "a" }, "got 1 argument)")]
    [InlineData(new[] { "a", "b", "b" }, "got 3 arguments")]
    [InlineData(new[] { "a", "--rounds=3" }, "no options")]
    [InlineData(new[] { "a", "missing" }, "'missing' is not a directory")]
    [InlineData(new[] { "a", "file" }, "'file' is not a directory")]
    [InlineData(new[] { "a", "" }, "'' is not a directory")]
    [InlineData(new[] { "a", "b/../../../../../../../nowhere-at-all" }, "is not a directory")]
    public void A_command_line_without_two_existing_state_directories_is_refused(string[] args, string message)
    {
        var (parsed, error) = Parse(args);

        Assert.Null(parsed);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BENCH_ROUNDS", "four")]
    [InlineData("BENCH_ROUNDS", "0")]
    [InlineData("BENCH_ROUNDS", "-1")]
    [InlineData("BENCH_ROUNDS", "100")]
    [InlineData("BENCH_ROUNDS", "2.5")]
    [InlineData("BENCH_ROUNDS", "99999999999999999999")]
    [InlineData("BENCH_ROUNDS", "3; rm -rf /")]
    [InlineData("BENCH_DURATION", "0")]
    [InlineData("BENCH_DURATION", "10s")]
    [InlineData("BENCH_DURATION", "3601")]
    [InlineData("BENCH_WARMUP", "-5")]
    [InlineData("BENCH_CONNECTIONS", "0")]
    [InlineData("BENCH_CONNECTIONS", " 16")]
    public void A_setting_that_is_not_a_whole_number_in_range_is_refused_by_name(string name, string value)
    {
        _variables[name] = value;

        var (parsed, error) = Parse("a", "b");

        Assert.Null(parsed);
        Assert.StartsWith($"{name} must be a whole number", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BENCH_WORKLOADS", "write")]
    [InlineData("BENCH_WORKLOADS", "read read")]
    [InlineData("BENCH_WORKLOADS", "read $(reboot)")]
    [InlineData("BENCH_LABELS", "A")]
    [InlineData("BENCH_LABELS", "A B C")]
    [InlineData("BENCH_LABELS", "same same")]
    [InlineData("BENCH_LABELS", "a|b c")]
    [InlineData("BENCH_BACKUP_BESIDE", "C")]
    [InlineData("BENCH_BACKUP_BESIDE", "a")]
    [InlineData("BENCH_BACKUP_BESIDE", "A B")]
    [InlineData("BENCH_BACKUP_BESIDE", "B; reboot")]
    public void Unknown_workloads_and_anything_but_two_distinct_labels_are_refused(string name, string value)
    {
        _variables[name] = value;

        var (parsed, error) = Parse("a", "b");

        Assert.Null(parsed);
        Assert.StartsWith(name, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_setting_means_its_default_as_in_bash()
    {
        _variables["BENCH_ROUNDS"] = "";
        _variables["BENCH_WORKLOADS"] = "";

        var (parsed, _) = Parse("a", "b");

        Assert.NotNull(parsed);
        Assert.Equal(4, parsed.Rounds);
        Assert.Equal(["read", "create"], parsed.Workloads);
    }
}
