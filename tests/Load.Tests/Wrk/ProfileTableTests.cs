using Platform.Load.Wrk.Gateway;

namespace Platform.Load.Tests.Wrk;

/// <summary>Under BENCH_PROFILE, each configuration's CPU per request split by the profile's parts.</summary>
public sealed class ProfileTableTests
{
    [Fact]
    public void The_parts_file_reads_as_shares_of_its_total()
    {
        var shares = ProfileTable.ReadShares("kernel (not under managed code)\t300\t300\nour rate limiter\t100\t250\ntotal\t1000\t1000\n");

        Assert.Equal(0.3, shares["kernel (not under managed code)"], precision: 6);
        Assert.Equal(0.1, shares["our rate limiter"], precision: 6);
        Assert.False(shares.ContainsKey("total"));
        Assert.Empty(ProfileTable.ReadShares("no samples\n"));
    }

    [Fact]
    public void Each_part_costs_its_share_of_the_runs_cpu_per_request_averaged_over_rounds()
    {
        var profiles = new Dictionary<string, List<ProfileTable.Run>>
        {
            ["yarp-floor"] = [new(100, new Dictionary<string, double> { ["kernel"] = 0.5, ["YARP"] = 0.5 })],
            ["gateway+identity"] =
            [
                new(200, new Dictionary<string, double> { ["kernel"] = 0.4, ["YARP"] = 0.3, ["our client identity"] = 0.3 }),
                new(100, new Dictionary<string, double> { ["kernel"] = 0.6, ["YARP"] = 0.3, ["our client identity"] = 0.1 }),
            ],
        };

        var table = ProfileTable.Render(["yarp-floor", "gateway+identity", "nginx"], profiles);

        Assert.Contains("| part | yarp-floor | gateway+identity |", table, StringComparison.Ordinal);
        Assert.Contains("| kernel | 50.0 | 70.0 |", table, StringComparison.Ordinal);
        Assert.Contains("| YARP | 50.0 | 45.0 |", table, StringComparison.Ordinal);
        Assert.Contains("| our client identity | 0.0 | 35.0 |", table, StringComparison.Ordinal);
        Assert.Contains("| **all** | 100.0 | 150.0 |", table, StringComparison.Ordinal);
        Assert.True(table.IndexOf("| kernel", StringComparison.Ordinal) < table.IndexOf("| our client identity", StringComparison.Ordinal), "parts by their largest cost first");
        Assert.Equal("", ProfileTable.Render(["nginx"], profiles));
    }
}
