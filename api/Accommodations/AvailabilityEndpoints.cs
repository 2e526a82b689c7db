using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using MySqlConnector;
using Platform.Api.Bulkheads;
using Platform.Api.Deadlines;
using Problem = Platform.Api.Problems.Problems;

namespace Platform.Api.Accommodations;

public static class AvailabilityEndpoints
{
    public const int MaxRangeDays = 366;

    public static IEndpointRouteBuilder MapAccommodations(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/accommodations").WithTags("Accommodations")
            .MapGet("/{id:int}/availability", GetAvailability).Reads();
        return app;
    }

    /// <summary>Each night from <c>from</c> up to, not including, <c>to</c> (as a stay's check-out).</summary>
    public static async Task<Results<Ok<Availability>, ValidationProblem, ProblemHttpResult>> GetAvailability(
        int id, string? from, string? to, AccommodationCatalog catalog, MySqlDataSource database, RequestDeadline deadline,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var start = ParseDate(from, "from", errors);
        var end = ParseDate(to, "to", errors);
        if (start is { } s && end is { } e && (e.DayNumber - s.DayNumber) is < 1 or > MaxRangeDays)
            errors["to"] = [$"must be 1 to {MaxRangeDays} days after from"];
        if (errors.Count > 0)
            return Problem.Invalid(errors);

        if (id < 1 || await catalog.FindAsync(id, cancellationToken) is null)
            return Problem.NotFoundProblem($"There is no accommodation {id}.");

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var taken = (await connection.QueryAsync<DateTime>(new CommandDefinition(
            $"{deadline.ReadLimit()}SELECT night FROM reservation_nights WHERE accommodation_id = @id AND night >= @from AND night < @to",
            new { id, from = start!.Value.ToDateTime(TimeOnly.MinValue), to = end!.Value.ToDateTime(TimeOnly.MinValue) },
            cancellationToken: cancellationToken))).Select(DateOnly.FromDateTime).ToHashSet();

        var nights = Enumerable.Range(0, end.Value.DayNumber - start.Value.DayNumber)
            .Select(i => start.Value.AddDays(i))
            .Select(night => new NightAvailability(night, !taken.Contains(night)))
            .ToList();
        return TypedResults.Ok(new Availability(id, start.Value, end.Value, nights));
    }

    private static DateOnly? ParseDate(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors[field] = ["is required (YYYY-MM-DD)"];
            return null;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date;
        errors[field] = ["must be a date as YYYY-MM-DD"];
        return null;
    }
}

public sealed record Availability(int AccommodationId, DateOnly From, DateOnly To, IReadOnlyList<NightAvailability> Nights);

public sealed record NightAvailability(DateOnly Date, bool Available);
