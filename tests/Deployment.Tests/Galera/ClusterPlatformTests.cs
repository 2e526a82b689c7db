using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using MySqlConnector;
using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Deployment.Tests.Galera;

/// <summary>
/// <c>PLATFORM_DB_NODES=3 ./platform up</c>, all real processes: creates through the gateway while the node
/// taking writes is killed with SIGKILL. Creates are answered 201 again within 10 s, every one acknowledged
/// is in the database, and <c>./platform up</c> brings the node back: it rejoins, syncs and holds the same rows.
/// Costs about two minutes (a whole platform with three database nodes, started twice).
/// </summary>
public sealed class ClusterPlatformTests
{
    private static readonly TimeSpan AnsweredAgainWithin = TimeSpan.FromSeconds(10);

    /// <summary>How long creates go on after the kill at most; they stop sooner once more than <see cref="CreatedAfterKill"/> were answered 201.</summary>
    private static readonly TimeSpan GoOnAtMost = TimeSpan.FromSeconds(15);

    /// <summary>More 201s than this after the kill: creates went on.</summary>
    private const int CreatedAfterKill = 20;

    private static readonly Dictionary<string, string> Settings = new(LocalPlatform.UnthrottledClients)
    {
        [PlatformVariables.DatabaseNodes] = "3",
        // The SQL port and the three nodes' Galera ports above it, and one exporter per node, all free.
        [PlatformVariables.DatabasePort] = Port(FreePort.Block(1 + PlatformPorts.GaleraPortSpan) + 1),
        [PlatformVariables.MysqldExporterPort] = Port(FreePort.Block(3) + 1),
    };

    [Fact]
    public async Task The_node_taking_writes_killed_under_creates_loses_no_acknowledged_create_and_rejoins_with_up()
    {
        RequiredServer.LocateAll([.. LocalPlatform.Servers, GaleraService.StateTransferProgram]);
        var cancellation = TestContext.Current.CancellationToken;
        await using var platform = new LocalPlatform(Settings);
        await platform.RunOrFailAsync("up");
        var layout = new StateLayout(RepositoryRoot.Path, platform.StateDirectory);
        var status = await platform.RunOrFailAsync("status");
        Assert.Equal(3, status.Split('\n').Count(line => line.StartsWith("mariadb", StringComparison.Ordinal) && line.Contains("Synced, Primary, 3 nodes", StringComparison.Ordinal)));

        using var client = new HttpClient { BaseAddress = platform.GatewayAddress, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        var answers = new List<(TimeSpan At, HttpStatusCode? Status, string? Code)>();
        using var stop = new CancellationTokenSource();
        var creates = Task.Run(() => CreateUntilStoppedAsync(client, clock, answers, stop.Token), cancellation);

        await Task.Delay(TimeSpan.FromSeconds(3), cancellation);
        var writer = new ProcessTable(layout).RunningPid(ProcessNames.MariaDb) ?? throw new InvalidOperationException("node 1 is not running");
        var killedAt = clock.Elapsed;
        Assert.True(Signals.TrySend(writer, Signals.Kill), "could not kill node 1");
        // Creates go on until more than enough were answered 201 after the kill, or for GoOnAtMost: what the
        // assertions below read is then all there (a fixed 15 s wait before: 10 s of it, idle).
        await Eventually.HoldsAsync(() => Task.FromResult(CreatedAfter(answers, killedAt) > CreatedAfterKill), GoOnAtMost, TimeSpan.FromMilliseconds(200));
        await stop.CancelAsync();
        await creates;

        var afterKill = answers.Where(a => a.At > killedAt).ToList();
        var firstCreated = afterKill.FirstOrDefault(a => a.Status == HttpStatusCode.Created);
        var report = string.Join("; ", afterKill.Take(12).Select(a => $"{(a.At - killedAt).TotalSeconds:0.0}s {(int?)a.Status}"));
        Assert.True(firstCreated.Status is not null && firstCreated.At - killedAt < AnsweredAgainWithin,
            $"no 201 within {AnsweredAgainWithin.TotalSeconds:0} s of the kill: {report}");
        Assert.True(afterKill.Count(a => a.Status == HttpStatusCode.Created) > CreatedAfterKill, $"creates did not go on after the kill: {report}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{answers.Count} creates, first 201 {(firstCreated.At - killedAt).TotalSeconds:0.0} s after the kill: {report}");

        // up brings node 1 back: it rejoins from its recovered position and catches up.
        var up = await platform.RunOrFailAsync("up");
        Assert.Contains("mariadb did not stop cleanly; it rejoins from its recovered position", up, StringComparison.Ordinal);
        status = await platform.RunOrFailAsync("status");
        Assert.Contains(status.Split('\n'), line => line.StartsWith("mariadb ", StringComparison.Ordinal) && line.Contains("Synced, Primary, 3 nodes", StringComparison.Ordinal));

        var acknowledged = answers.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Code!).ToList();
        foreach (var node in new[] { 1, 2, 3 })
        {
            var present = await CodesAsync(MariaDbService.Root(layout, node), acknowledged, cancellation);
            var lost = acknowledged.Except(present).ToList();
            Assert.True(lost.Count == 0, $"node {node} lacks {lost.Count} of {acknowledged.Count} acknowledged creates, e.g. {string.Join(", ", lost.Take(5))}");
        }
    }

    // One client, one create after another, each a new night of its own accommodation: no conflicts, so
    // every answer but a 201 is the fault's.
    private static async Task CreateUntilStoppedAsync(HttpClient client, Stopwatch clock, List<(TimeSpan, HttpStatusCode?, string?)> answers, CancellationToken stop)
    {
        for (var number = 1; !stop.IsCancellationRequested && number < 100_000; number++)
        {
            var at = clock.Elapsed;
            var checkIn = new DateOnly(2033, 1, 1).AddDays(number);
            try
            {
                using var response = await client.PostAsJsonAsync(new Uri("/api/v1/reservations", UriKind.Relative),
                    new ReservationRequest(640, checkIn, checkIn.AddDays(1)) { Guests = 1 }.ToJson(), CancellationToken.None);
                var code = response.StatusCode == HttpStatusCode.Created ? response.Headers.Location!.OriginalString.Split('/')[^1] : null;
                lock (answers)
                    answers.Add((at, response.StatusCode, code));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                lock (answers)
                    answers.Add((at, null, null));
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static int CreatedAfter(List<(TimeSpan At, HttpStatusCode? Status, string? Code)> answers, TimeSpan killedAt)
    {
        lock (answers)
            return answers.Count(a => a.At > killedAt && a.Status == HttpStatusCode.Created);
    }

    private static async Task<IReadOnlyList<string>> CodesAsync(MariaDbRoot root, IReadOnlyList<string> codes, CancellationToken cancellation)
    {
        await using var connection = new MySqlConnection(MariaDbService.RootConnectionString(root, MariaDbService.Database));
        await connection.OpenAsync(cancellation);
        var found = new List<string>();
        foreach (var chunk in codes.Chunk(500))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT code FROM reservations WHERE code IN ({string.Join(',', chunk.Select((_, i) => $"@c{i}"))})";
            for (var i = 0; i < chunk.Length; i++)
                command.Parameters.AddWithValue($"@c{i}", chunk[i]);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
                found.Add(reader.GetString(0));
        }

        return found;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
