using Platform.Load.Wrk;
using Platform.Topology;

namespace Platform.Load.Tests.Wrk;

/// <summary>The CPU a bench prices each request with: utime + stime of the request path's processes.</summary>
public sealed class PlatformCpuTests
{
    [Fact]
    public void Utime_and_stime_are_read_after_a_command_name_with_spaces_and_parentheses()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
        const string stat = "4242 (dotnet (api) 1) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 30 0";

        Assert.Equal(300, PlatformCpu.TicksFromStat(stat));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no parenthesis here")]
    [InlineData("1 (short) S 1 2")]
    [InlineData("1 (x) S 1 1 1 0 -1 0 0 0 0 0 -5 7")]
    public void A_stat_that_is_not_one_counts_nothing(string stat) => Assert.Equal(0, PlatformCpu.TicksFromStat(stat));

    [Fact]
    public void This_process_has_used_some_CPU() =>
        Assert.True(PlatformCpu.TicksFromStat(File.ReadAllText("/proc/self/stat")) >= 0);

    [Theory]
    [InlineData(100, 1000, 1000.0)] // 1 s over 1,000 requests: 1 ms each
    [InlineData(5, 0, 0.0)]
    public void Microseconds_per_request(long ticks, double requests, double expected) =>
        Assert.Equal(expected, PlatformCpu.MicrosecondsPerRequest(ticks, requests), 6);

    [Fact]
    public void The_serving_processes_are_the_gateway_every_replica_with_a_pid_file_and_MariaDB()
    {
        var state = Directory.CreateTempSubdirectory("platform-cpu-");
        try
        {
            var layout = new StateLayout(RepositoryRoot.Path, state.FullName);
            Directory.CreateDirectory(layout.Pids);
            foreach (var name in new[] { "api-1", "api-2", "redis", "prometheus" })
                File.WriteAllText(Path.Combine(layout.Pids, name + ".pid"), "999999\n");

            Assert.Equal(["gateway", "api-1", "api-2", "mariadb"], PlatformCpu.ServingProcesses(layout));
            // Pids that are not running count nothing rather than failing the bench.
            Assert.Equal(0, PlatformCpu.Ticks(layout));
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }
}
