namespace Platform.Api.Reports;

/// <summary>The reports' query parameters for the OpenAPI document (the endpoints read the query strictly themselves).</summary>
public static class ReportParameterDocs
{
    public static readonly (string Name, string Description)[] Occupancy =
    [
        ("from", "the first night, yyyy-MM-dd (required)"),
        ("to", "the night after the last, yyyy-MM-dd, at most 366 days after from (required)"),
        ("granularity", "day (default), week (ISO, from Monday) or month; the first and last bucket are cut to the range"),
        ("accommodationId", "one accommodation; all of them when absent"),
    ];

    public static readonly (string Name, string Description)[] Totals =
    [
        ("createdFrom", "created on or after this UTC day, yyyy-MM-dd (required)"),
        ("createdTo", "created before this UTC day, yyyy-MM-dd, at most 366 days after createdFrom (required)"),
    ];
}
