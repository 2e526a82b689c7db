using Platform.Api.Bulkheads;

namespace Platform.Api.Tests.Bulkheads;

public class BulkheadOptionsTests
{
    [Theory]
    [InlineData(30, 20, 10)] // the default pool
    [InlineData(22, 14, 8)]
    [InlineData(3, 2, 1)]
    [InlineData(2, 1, 1)]
    [InlineData(1, 1, 1)] // a single connection still admits one of each; they share it
    public void Unset_shares_split_the_pool_two_thirds_to_writes_and_never_fall_to_zero(int pool, int writers, int readers)
    {
        Assert.Equal(writers, BulkheadOptions.DefaultWriters(pool));
        Assert.Equal(readers, BulkheadOptions.DefaultReaders(pool, BulkheadOptions.DefaultWriters(pool)));
    }

    [Theory]
    [InlineData(20, 5)]
    [InlineData(4, 1)]
    [InlineData(1, 1)] // one writer: guests may still take it
    public void Guests_get_a_quarter_of_the_writers_and_never_none(int writers, int guests) =>
        Assert.Equal(guests, BulkheadOptions.DefaultAnonymousWriters(writers));
}
