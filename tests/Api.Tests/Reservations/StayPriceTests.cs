using Platform.Api.Reservations;
using Platform.Contracts.Reservations;

namespace Platform.Api.Tests.Reservations;

public class StayPriceTests
{
    [Fact]
    public void Contract_example_Sunday_to_Wednesday_has_no_weekend_nights() =>
        Assert.Equal(3 * 120m, StayPrice.Total(new DateOnly(2027, 1, 10), 3, 120m, 150m));

    [Fact]
    public void Friday_and_Saturday_nights_are_at_the_weekend_price()
    {
        // Thu 2027-01-14 to Mon 2027-01-18: Thu, Fri, Sat, Sun nights.
        Assert.Equal(2, StayPrice.WeekendNights(new DateOnly(2027, 1, 14), 4));
        Assert.Equal(2 * 100m + 2 * 130m, StayPrice.Total(new DateOnly(2027, 1, 14), 4, 100m, 130m));
    }

    [Fact]
    public void Weekend_count_matches_walking_the_days_for_every_start_and_length()
    {
        var monday = new DateOnly(2027, 1, 4);
        for (var offset = 0; offset < 7; offset++)
        {
            var checkIn = monday.AddDays(offset);
            for (var nights = 0; nights <= 60; nights++)
            {
                var walked = Enumerable.Range(0, nights)
                    .Count(i => checkIn.AddDays(i).DayOfWeek is DayOfWeek.Friday or DayOfWeek.Saturday);
                Assert.Equal(walked, StayPrice.WeekendNights(checkIn, nights));
            }
        }
    }

    [Fact]
    public void Negative_nights_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => StayPrice.WeekendNights(new DateOnly(2027, 1, 4), -1));
}
