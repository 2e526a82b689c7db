using System.Net.Http.Json;
using System.Text.Json;
using MySqlConnector;
using Platform.Contracts.Http;
using Platform.Load.Cli;
using Platform.Topology;
using Platform.Topology.Files;

namespace Platform.Load.Wrk.Paired;

/// <summary>
/// One side of the paired bench: the platform whose state directory was named, read through the topology
/// model as <c>./platform</c> reads its own (gateway port from its pid files, the load client's key, the
/// database), never from this shell's PLATFORM_* variables, which describe at most one of the two.
/// </summary>
public sealed class PairedPlatform
{
    private PairedPlatform(BenchSettings settings) => Settings = settings;

    public BenchSettings Settings { get; }

    public StateLayout Layout => Settings.Platform.Layout;

    public Uri Gateway => Settings.Gateway;

    public string LoadKey => Settings.ApiKey(BenchClients.Load);

    /// <summary>The platform running from <paramref name="stateDirectory"/>.</summary>
    /// <exception cref="PlatformException">It does not run, or has no bench keys.</exception>
    public static PairedPlatform Running(string stateDirectory)
    {
        var settings = PlatformSettings.FromEnvironment(RepositoryRoot.Path, name => name == PlatformVariables.StateDir ? stateDirectory : null);
        try
        {
            return new PairedPlatform(BenchSettings.ForRunningPlatform(settings));
        }
        catch (PlatformException e)
        {
            throw new PlatformException($"{stateDirectory}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The path of one reservation of the load client, for the read workload: created once (a fixed
    /// Idempotency-Key makes a second bench get the same one back).
    /// </summary>
    public async Task<string> ReadPathAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Gateway, "/api/v1/reservations"))
        {
            Content = JsonContent.Create(new
            {
                accommodationId = 7, guestName = "Paired Bench", guestEmail = "paired@example.com", guestPhone = "+5491177777777",
                checkIn = "2099-01-01", checkOut = "2099-01-02", guests = 1,
            }),
        };
        request.Headers.Add(PlatformHeaders.ApiKey, LoadKey);
        request.Headers.Add(PlatformHeaders.IdempotencyKey, "paired-bench-read");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        string? code = null;
        try
        {
            code = response.IsSuccessStatusCode && JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
            // Not JSON: reported below with the status.
        }
        return code is { Length: > 0 } && code.All(char.IsAsciiLetterOrDigit)
            ? "/api/v1/reservations/" + code
            : throw new PlatformException($"could not create the read workload's reservation through {Gateway} ({(int)response.StatusCode})");
    }

    /// <summary>The first day after 2100-01-01 that no night an API bench booked on this platform reaches (create.lua's day 0 is 2100-01-01).</summary>
    public async Task<int> FirstFreeDayAsync()
    {
        try
        {
            await using var connection = new MySqlConnection(Settings.DbConnection);
            await connection.OpenAsync();
            // Bounded below the database ceiling's nights (./platform bench writes), which would otherwise push
            // every create past 5000-01-01, among the ceiling's own nights.
            await using var command = new MySqlCommand(BenchNights.FirstFreeDay, connection);
            return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (MySqlException e)
        {
            throw new PlatformException($"cannot ask {Layout.State}'s MariaDB for its last booked night: {e.Message}", e);
        }
    }
}
