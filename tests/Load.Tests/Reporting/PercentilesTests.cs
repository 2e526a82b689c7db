using Platform.Load.Reporting;

namespace Platform.Load.Tests.Reporting;

public sealed class PercentilesTests
{
    private static readonly double[] OneToHundred = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

    [Theory]
    [InlineData(50, 50)]
    [InlineData(95, 95)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(0.5, 1)]
    public void Nearest_rank_of_1_to_100_is_the_value_at_rank_ceiling_p(double percentile, double expected) =>
        Assert.Equal(expected, Percentiles.NearestRank(OneToHundred, percentile));

    [Fact]
    public void Nearest_rank_never_interpolates()
    {
        double[] sorted = [10, 20, 30, 40];
        Assert.Equal(20, Percentiles.NearestRank(sorted, 50));   // rank ⌈2⌉ = 2
        Assert.Equal(40, Percentiles.NearestRank(sorted, 95));   // rank ⌈3.8⌉ = 4
        Assert.Equal(30, Percentiles.NearestRank(sorted, 51));   // rank ⌈2.04⌉ = 3
    }

    [Fact]
    public void Of_sorts_unsorted_values_and_one_value_is_every_percentile()
    {
        Assert.Equal((3.0, 5.0, 5.0), Percentiles.Of([5, 1, 4, 2, 3]));   // p50: rank ⌈2.5⌉ = 3
        Assert.Equal((7.0, 7.0, 7.0), Percentiles.Of([7]));
    }

    [Fact]
    public void No_values_give_NaN_and_a_percentile_outside_0_to_100_is_refused()
    {
        Assert.True(double.IsNaN(Percentiles.NearestRank([], 50)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(OneToHundred, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(OneToHundred, 101));
    }
}
