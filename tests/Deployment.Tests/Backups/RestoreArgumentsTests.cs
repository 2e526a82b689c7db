using Platform.Topology;
using Platform.Topology.Backups;

namespace Platform.Deployment.Tests.Backups;

/// <summary>What restore and backup take from the operator, in its bad and hostile forms, refused before anything is touched.</summary>
public sealed class RestoreArgumentsTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 3, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("2026-12-07T02:59:59Z", "2026-12-07T02:59:59")]
    [InlineData("2026-12-07 02:59:59", "2026-12-07T02:59:59")]
    [InlineData("2026-12-07T03:00:00Z", "2026-12-07T03:00:00")]
    public void A_utc_time_in_either_form_is_taken(string given, string expected)
    {
        var target = RestoreTarget.Parse(given, null, Now);
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), target.Time);
        Assert.Equal(DateTimeKind.Utc, target.Time!.Value.Kind);
    }

    [Theory]
    [InlineData("", "not a UTC time")]
    [InlineData("yesterday", "not a UTC time")]
    [InlineData("2026-12-07T02:59:59+01:00", "not a UTC time")]
    [InlineData("2026-12-07T02:59", "not a UTC time")]
    [InlineData("2026-13-07T02:59:59Z", "not a UTC time")]
    [InlineData("2026-12-07T02:59:59Z; rm -rf /", "not a UTC time")]
    [InlineData("1766000000", "not a UTC time")]
    [InlineData("2026-12-07T03:00:01Z", "in the future")]
    [InlineData("2999-01-01T00:00:00Z", "in the future")]
    public void A_time_that_is_not_a_past_utc_second_is_refused_saying_what_to_give(string given, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => RestoreTarget.Parse(given, null, Now));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0-1")]
    [InlineData("0-1-")]
    [InlineData("-0-1-2")]
    [InlineData("0-1-2,0-1-3")]
    [InlineData("0-1-2; DROP DATABASE platform")]
    [InlineData("0 -1-2")]
    [InlineData("99999999999-1-2")]
    [InlineData("a-b-c")]
    [InlineData("")]
    public void A_gtid_that_is_not_domain_server_sequence_is_refused(string given)
    {
        var error = Assert.Throws<ArgumentException>(() => RestoreTarget.Parse(null, given, Now));
        Assert.Contains("is not a GTID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gtid_is_taken_and_both_targets_at_once_are_refused()
    {
        Assert.Equal(new Gtid(0, 1, 4711), RestoreTarget.Parse(null, "0-1-4711", Now).Gtid);
        Assert.Equal(RestoreTarget.Latest, RestoreTarget.Parse(null, null, Now));
        var error = Assert.Throws<ArgumentException>(() => RestoreTarget.Parse("2026-12-07T02:00:00Z", "0-1-1", Now));
        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gtid_position_lists_one_gtid_per_domain()
    {
        Assert.Equal([new Gtid(0, 1, 5), new Gtid(1, 2, 9)], Gtid.ParseList("0-1-5,1-2-9"));
        Assert.Empty(Gtid.ParseList("")!);
        Assert.Null(Gtid.ParseList("0-1-5,garbage"));
        Assert.Equal(9UL, Gtid.SequenceIn(Gtid.ParseList("0-1-5,1-2-9")!, 1));
        Assert.Equal(0UL, Gtid.SequenceIn([], 0));
    }

    [Theory]
    [InlineData(PlatformVariables.BackupKeepChains, "0")]
    [InlineData(PlatformVariables.BackupKeepChains, "-1")]
    [InlineData(PlatformVariables.BackupKeepChains, "two")]
    [InlineData(PlatformVariables.BackupKeepChains, "1001")]
    [InlineData(PlatformVariables.BackupKeepChains, "02")]
    [InlineData(PlatformVariables.BackupChainLength, "1.5")]
    [InlineData(PlatformVariables.BackupChainLength, " 3")]
    [InlineData(PlatformVariables.BackupChainLength, "99999999999")]
    public void A_retention_setting_out_of_its_range_is_refused_naming_the_variable(string variable, string value)
    {
        var error = Assert.Throws<PlatformException>(() => BackupPolicy.FromEnvironment("/b", name => name == variable ? value : null));
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains($"(got '{value}')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_defaults_to_two_chains_of_24_incrementals_and_takes_its_variables()
    {
        Assert.Equal(new BackupPolicy("/b", 2, 24), BackupPolicy.FromEnvironment("/b", _ => null));
        Assert.Equal(new BackupPolicy("/b", 7, 0), BackupPolicy.FromEnvironment("/b", name => name == PlatformVariables.BackupKeepChains ? "7" : "0"));
    }
}
