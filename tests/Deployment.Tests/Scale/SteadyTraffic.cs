using System.Diagnostics;
using System.Net.Http.Json;
using Platform.Contracts.Http;
using Platform.Testing;

namespace Platform.Deployment.Tests.Scale;

/// <summary>
/// Clients calling through the gateway without pause until stopped: reads of availability and
/// creates of one-night stays (no idempotency key, so a create the gateway could not deliver is a
/// failure the client sees). Every answer is recorded with its time and the replica that served it.
/// </summary>
public sealed class SteadyTraffic : IAsyncDisposable
{
    // Steady, not flat out: each client calls about 50 times a second, leaving the machine to the platform.
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Answer> _answers = [];
    private readonly Task[] _clients;
    private int _created;

    /// <param name="accommodation">Creates go to this accommodation, one new night each.</param>
    public SteadyTraffic(Uri gateway, int clients, int accommodation)
    {
        _client = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        _clients = Enumerable.Range(0, clients).Select(client => Task.Run(() => CallAsync(client, accommodation))).ToArray();
    }

    /// <summary>Time since the traffic started, on the clock the answers are stamped with.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Answer> Answers
    {
        get
        {
            lock (_answers)
            {
                return [.. _answers];
            }
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        _stop.Dispose();
        _client.Dispose();
    }

    private async Task CallAsync(int client, int accommodation)
    {
        for (var call = 0; !_stop.IsCancellationRequested; call++)
        {
            var started = _clock.Elapsed;
            Answer answer;
            try
            {
                using var response = call % 4 == 3 ? await CreateAsync(accommodation) : await ReadAsync(accommodation + 1 + client);
                answer = new Answer(started, (int)response.StatusCode,
                    response.Headers.TryGetValues(PlatformHeaders.Replica, out var replica) ? replica.Single() : "", "");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                answer = new Answer(started, 0, "", ex.Message);
            }

            lock (_answers)
            {
                _answers.Add(answer);
            }

            try
            {
                await Task.Delay(Pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task<HttpResponseMessage> ReadAsync(int accommodation) =>
        _client.GetAsync(new Uri($"/api/v1/accommodations/{accommodation}/availability?from=2032-01-01&to=2032-01-08", UriKind.Relative));

    private Task<HttpResponseMessage> CreateAsync(int accommodation)
    {
        var number = Interlocked.Increment(ref _created);
        var checkIn = new DateOnly(2032, 1, 1).AddDays(number);
        return _client.PostAsJsonAsync(new Uri("/api/v1/reservations", UriKind.Relative), new ReservationRequest(accommodation, checkIn, checkIn.AddDays(1))
        {
            GuestName = $"Scaling guest {number}",
            GuestEmail = $"scaling.{number}@example.com",
            GuestPhone = $"+5491140{number:D6}",
            Guests = 1,
        }.ToJson());
    }

    /// <summary>One answer: when the call started, its status (0: no answer), the replica that served it, the error if none.</summary>
    public sealed record Answer(TimeSpan At, int Status, string Replica, string Error)
    {
        public bool Succeeded => Status is 200 or 201;
    }
}
