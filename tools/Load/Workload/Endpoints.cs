namespace Platform.Load.Workload;

/// <summary>The labels requests are reported under, in table order.</summary>
public static class Endpoints
{
    public const string Create = "POST /api/v1/reservations";
    public const string KeyedCreate = "POST /api/v1/reservations (Idempotency-Key)";
    public const string CreateOverlap = "POST /api/v1/reservations (overlap)";
    public const string Read = "GET /api/v1/reservations/{code}";
    public const string Availability = "GET /api/v1/accommodations/{id}/availability";
    public const string ListByPhone = "GET /api/v1/reservations?guestPhone";
    public const string Health = "GET /api/v1/health";
    public const string Search = "GET /api/v1/admin/reservations";
    public const string Report = "GET /api/v1/admin/reports/{report}";
    public const string FreePlaces = "GET /api/v1/admin/availability";
    public const string Export = "GET /api/v1/admin/reservations/export";

    public static readonly IReadOnlyList<string> Order = [Create, KeyedCreate, CreateOverlap, Read, Availability, ListByPhone, Health, Search, Report, FreePlaces, Export];
}
