using Platform.Api.Reservations;

namespace Platform.Api.Tests.Reservations;

public class ReservationCodeTests
{
    [Fact]
    public void New_codes_are_eight_characters_of_crockford_base32()
    {
        for (var i = 0; i < 1000; i++)
        {
            var code = ReservationCode.New();
            Assert.Matches("^[0-9A-HJKMNP-TV-Z]{8}$", code);
        }
    }

    [Fact]
    public void New_codes_do_not_repeat_in_a_large_sample()
    {
        var codes = Enumerable.Range(0, 100_000).Select(_ => ReservationCode.New()).ToHashSet();
        Assert.Equal(100_000, codes.Count);
    }

    [Theory]
    [InlineData("r7k2m9qx", "R7K2M9QX")]
    [InlineData("R7K2-M9QX", "R7K2M9QX")]
    [InlineData("O1IL0000", "01110000")]
    public void Typed_codes_are_normalized_the_crockford_way(string typed, string expected)
    {
        Assert.True(ReservationCode.TryNormalize(typed, out var code));
        Assert.Equal(expected, code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("R7K2M9Q")]
    [InlineData("R7K2M9QXY")]
    [InlineData("R7K2M9QU")]
    [InlineData("R7K2M9Q!")]
    [InlineData("' OR 1=1")]
    [InlineData("----------------R7K2M9QX")]
    public void Anything_else_is_not_a_code(string? typed) =>
        Assert.False(ReservationCode.TryNormalize(typed, out _));
}
