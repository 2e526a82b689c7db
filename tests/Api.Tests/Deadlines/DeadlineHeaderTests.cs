using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Platform.Contracts.Deadlines;
using Platform.Contracts.Http;

namespace Platform.Api.Tests.Deadlines;

public class DeadlineHeaderTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_764_590_400_000);

    [Fact]
    public void An_absent_header_is_absent()
    {
        Assert.Equal(DeadlineHeaders.Reading.Absent, DeadlineHeaders.TryReadDeadline(new HeaderDictionary(), Now, out _, out _));
    }

    [Theory]
    [InlineData(1_764_590_400_123)]
    [InlineData(1_764_590_400_000)] // exactly now: read, then found already passed
    [InlineData(1_764_590_399_000)] // a second ago: stale, not malformed
    [InlineData(1_764_590_700_000)] // five minutes on: read, then capped by Deadlines:Maximum
    public void Epoch_milliseconds_within_a_day_are_read(long milliseconds)
    {
        var reading = DeadlineHeaders.TryReadDeadline(Headers(milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)), Now, out var deadline, out var problem);
        Assert.Equal(DeadlineHeaders.Reading.Present, reading);
        Assert.Null(problem);
        Assert.Equal(milliseconds, deadline.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-1764590400123")]
    [InlineData("+1764590400123")]
    [InlineData("1764590400123.5")]
    [InlineData("1.764590400123e12")]
    [InlineData("0x19AD5E1C07B")]
    [InlineData("1764590400123 ")]
    [InlineData("1764 590400123")]
    [InlineData("1764590400123,1764590400124")]
    [InlineData("١٧٦٤٥٩٠٤٠٠١٢٣")] // digits, but not ASCII ones
    [InlineData("１７６４５９０４００１２３")] // full-width digits
    [InlineData("99999999999999999999999999")] // would overflow a long
    [InlineData("0")] // the epoch: a zero, not a deadline
    [InlineData("1764590400")] // seconds, not milliseconds
    [InlineData("1764590400123000")] // microseconds
    [InlineData("1764676800001")] // a day and a millisecond on: a clock or unit error
    [InlineData("Tue, 01 Dec 2026 12:00:00 GMT")]
    public void Anything_but_one_plausible_epoch_in_milliseconds_is_malformed(string value)
    {
        var reading = DeadlineHeaders.TryReadDeadline(Headers(value), Now, out _, out var problem);
        Assert.Equal(DeadlineHeaders.Reading.Malformed, reading);
        Assert.Contains(PlatformHeaders.RequestDeadline, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_values_are_malformed_even_when_each_is_valid()
    {
        var headers = new HeaderDictionary { [PlatformHeaders.RequestDeadline] = new StringValues(["1764590400123", "1764590400123"]) };
        Assert.Equal(DeadlineHeaders.Reading.Malformed, DeadlineHeaders.TryReadDeadline(headers, Now, out _, out var problem));
        Assert.Contains("once", problem, StringComparison.Ordinal);
    }

    private static HeaderDictionary Headers(string value) => new() { [PlatformHeaders.RequestDeadline] = value };
}
