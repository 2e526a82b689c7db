using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using MySqlConnector;
using Platform.Contracts.Http;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>What every contract test needs: clients for the replicas, fresh stays that collide with no other test, and the database.</summary>
[Collection(SharedCluster.Name)]
public abstract class ClusterTest(ClusterFixture fixture) : IDisposable
{
    private static int _stays;
    private static int _chosenStays;
    private readonly List<HttpClient> _clients = [];

    protected ClusterFixture Fixture { get; } = fixture;
    protected ApiCluster Cluster => Fixture.Cluster;
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A client for replica <paramref name="index"/> (0-based) of the three.</summary>
    protected HttpClient Client(int index = 0)
    {
        var client = Cluster.Replicas[index].CreateClient();
        _clients.Add(client);
        return client;
    }

    /// <summary>A client for replica <paramref name="index"/> signed as <paramref name="client"/> with <paramref name="scopes"/>.</summary>
    protected HttpClient ClientAs(string client, string scopes = TestIdentity.DefaultScopes, int index = 0)
    {
        var http = Cluster.Replicas[index].CreateClient(client, scopes);
        _clients.Add(http);
        return http;
    }

    /// <summary>A client for replica <paramref name="index"/> signed as <paramref name="client"/>, its holds counted against <paramref name="holder"/> under <paramref name="limits"/>.</summary>
    protected HttpClient ClientAs(string client, string scopes, string holder, string limits, int index = 0)
    {
        var http = Cluster.Replicas[index].CreateClient(client, scopes, holder, limits);
        _clients.Add(http);
        return http;
    }

    /// <summary>A client for replica <paramref name="index"/> that sends no identity (the caller sets headers itself).</summary>
    protected HttpClient UnsignedClient(int index = 0)
    {
        var http = Cluster.Replicas[index].CreateUnsignedClient();
        _clients.Add(http);
        return http;
    }

    /// <summary>
    /// A stay no other test uses: accommodations cycle through 1..1000, and each lap moves 40 days
    /// further out, starting a year from now.
    /// </summary>
    protected static Stay NewStay(int nights = 3)
    {
        var n = Interlocked.Increment(ref _stays);
        var accommodation = 1 + n % 1000;
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(365 + n / 1000 * 40);
        return new Stay(accommodation, checkIn, checkIn.AddDays(nights));
    }

    /// <summary>A stay at a chosen accommodation, on dates <see cref="NewStay"/> never reaches (four years out and on).</summary>
    protected static Stay StayAt(int accommodationId, int nights = 3)
    {
        var n = Interlocked.Increment(ref _chosenStays);
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1500 + n * 40);
        return new Stay(accommodationId, checkIn, checkIn.AddDays(nights));
    }

    protected static JsonObject Body(Stay stay, string? phone = null, int guests = 2, string name = "Ana Pérez") =>
        new ReservationRequest(stay.AccommodationId, stay.CheckIn, stay.CheckOut)
        {
            GuestName = name,
            GuestPhone = phone ?? ReservationRequest.NewPhone(),
            Guests = guests,
        }.ToJson();

    protected static Task<HttpResponseMessage> PostAsync(HttpClient client, JsonNode body, string? idempotencyKey = null) =>
        PostRawAsync(client, body.ToJsonString(), idempotencyKey);

    protected static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string body, string? idempotencyKey = null,
        string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reservations")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        if (idempotencyKey is not null)
            request.Headers.TryAddWithoutValidation(PlatformHeaders.IdempotencyKey, idempotencyKey);
        return client.SendAsync(request, Cancellation);
    }

    /// <summary>Creates a reservation and returns its body, failing the test unless it was a 201.</summary>
    protected async Task<JsonObject> CreateAsync(Stay stay, string? phone = null, HttpClient? client = null)
    {
        using var response = await PostAsync(client ?? Client(), Body(stay, phone));
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    protected static Task<JsonObject> ExpectAsync(HttpResponseMessage response, HttpStatusCode status) =>
        HttpAnswers.ExpectAsync(response, status, Cancellation);

    /// <summary>Asserts a problem+json answer of the given status and type, and returns it.</summary>
    protected static Task<JsonObject> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type) =>
        HttpAnswers.ExpectProblemAsync(response, status, type, Cancellation);

    protected async Task<T> QueryScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Fixture.OpenRootAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException($"no value: {sql}");
    }

    protected async Task<long> CountAsync(string sql, object? parameters = null) =>
        Convert.ToInt64(await QueryScalarAsync<object>(sql, parameters), System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var client in _clients)
            client.Dispose();
        GC.SuppressFinalize(this);
    }

    protected sealed record Stay(int AccommodationId, DateOnly CheckIn, DateOnly CheckOut);

    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
