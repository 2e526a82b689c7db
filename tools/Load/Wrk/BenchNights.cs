namespace Platform.Load.Wrk;

/// <summary>
/// The nights the wrk benches book, apart from everyone else's: the API's creates (create.lua) from
/// 2100-01-01, the database ceiling's (create-transaction.sql) from 5000-01-01, so the two never book the
/// same night and a run starts after every night an earlier one of its kind holds.
/// </summary>
public static class BenchNights
{
    public const string CeilingFrom = "5000-01-01";

    /// <summary>The first day (counted from 2100-01-01) no earlier API run has booked; the ceiling's nights are not counted.</summary>
    public const string FirstFreeDay = "SELECT COALESCE(DATEDIFF(MAX(night), DATE '2100-01-01') + 1, 0) FROM reservation_nights "
        + $"WHERE night >= DATE '2100-01-01' AND night < DATE '{CeilingFrom}'";
}
