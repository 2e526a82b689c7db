using Platform.Topology.Processes;

namespace Platform.Deployment.Tests.Topology;

/// <summary>The one reader of <c>/proc/PID/stat</c>: state, parent and CPU, after a command name that may hold anything.</summary>
public sealed class ProcStatTests
{
    [Fact]
    public void The_fields_are_counted_after_a_command_name_with_spaces_and_parentheses()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
        var stat = ProcStat.Parse("4242 (dotnet (api) 1) T 77 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 30 0");

        Assert.Equal(new ProcStat('T', 77, 300), stat);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1 (short) S 1 2")]
    [InlineData("1 (x) SS 1 1 1 0 -1 0 0 0 0 0 5 7")]
    [InlineData("1 (x) S -1 1 1 0 -1 0 0 0 0 0 5 7")]
    public void A_text_that_is_not_a_stat_is_none(string stat) => Assert.Null(ProcStat.Parse(stat));

    [Fact]
    public void This_process_runs_and_has_a_parent()
    {
        var stat = ProcStat.Read(Environment.ProcessId);

        Assert.NotNull(stat);
        Assert.Contains(stat.State, "RS");
        Assert.True(stat.ParentPid > 0);
    }

    [Fact]
    public void A_process_that_does_not_exist_has_none() => Assert.Null(ProcStat.Read(int.MaxValue));
}
