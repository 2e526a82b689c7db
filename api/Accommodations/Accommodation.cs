namespace Platform.Api.Accommodations;

/// <summary>What the API needs to know about a place to take a reservation for it.</summary>
public sealed class Accommodation
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Capacity { get; set; }
    public decimal NightlyPrice { get; set; }
    public decimal WeekendPrice { get; set; }

    public const string Columns = "id AS Id, name AS Name, capacity AS Capacity, nightly_price AS NightlyPrice, weekend_price AS WeekendPrice";
}
