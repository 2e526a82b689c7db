using System.Globalization;
using Platform.Load.Cli;
using Platform.Topology;

namespace Platform.Load.Seeding;

/// <summary><c>seed --reservations N [--random-seed S]</c> against the running platform's database (<see cref="ReservationSeeder"/>).</summary>
public static class SeedCommand
{
    public const string Name = "seed";

    /// <summary>At most this many per run: ten million rows and their nights fit a run of minutes.</summary>
    public const int MaxReservations = 10_000_000;

    /// <summary>The API's default Reservations:HoldTime: how long a seeded hold lasts.</summary>
    private static readonly TimeSpan HoldTime = TimeSpan.FromMinutes(15);

    public const string Usage = "usage: ./platform seed --reservations N [--random-seed S]   (N from 1 to 10,000,000; S: the same S and N write the same stays)";

    /// <summary>The parsed options, or the message for a usage error.</summary>
    public static (int Reservations, int RandomSeed)? Parse(IReadOnlyList<string> args, out string? error)
    {
        int? reservations = null;
        var randomSeed = 1;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--reservations" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxReservations:
                    reservations = n;
                    i++;
                    break;
                case "--random-seed" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s):
                    randomSeed = s;
                    i++;
                    break;
                default:
                    error = $"unexpected or invalid '{args[i]}{(value is null ? "" : " " + value)}'";
                    return null;
            }
        }
        if (reservations is null)
        {
            error = "--reservations N is required";
            return null;
        }
        return (reservations.Value, randomSeed);
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (Parse(args, out var error) is not { } options)
        {
            await Console.Error.WriteLineAsync($"error: {error}\n{Usage}");
            return Arguments.UsageError;
        }
        try
        {
            var settings = BenchSettings.From(PlatformSettings.FromEnvironment(RepositoryRoot.Path));
            var result = await new ReservationSeeder(settings.DbConnection, Console.Error)
                .SeedAsync(options.Reservations, options.RandomSeed, DateTime.UtcNow, HoldTime);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seeded {result.Reservations:N0} reservations ({result.Nights:N0} nights held) from {result.From:yyyy-MM-dd} to {result.To:yyyy-MM-dd} in {result.Took.TotalSeconds:F1} s: "
                + $"{result.ReservationsPerSecond:N0} reservations/s; {string.Join(", ", result.ByStatus.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value:N0}"))}"));
            return 0;
        }
        catch (Exception e) when (e is PlatformException or MySqlConnector.MySqlException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
