using System.Diagnostics;
using System.Globalization;
using System.Net;
using MySqlConnector;
using Platform.Contracts.Http;
using Platform.Gateway.Tests.Identity;
using Platform.Testing;

namespace Platform.Gateway.Tests.Proxy;

/// <summary>
/// The back office's export through the gateway (docs/api.md, Back office): its own route, longer than
/// the 3 s deadline, never hedged. It is held up for real, its table locked on the real database
/// (LOCK TABLES ... WRITE), so it streams its header and then waits, as one over a million rows would;
/// a search under the same lock is an ordinary read, cut at its 3 s deadline.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class ExportRouteTests(GatewayFixture fixture) : GatewayTest
{
    private const string OpsKey = "ops-4b1d8e3f-key";
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task An_export_outlasts_the_3_s_deadline_on_its_own_route_and_is_never_hedged()
    {
        var settings = IdentitySettings.ClientSettings("ops", OpsKey, "standard",
            TestIdentity.Read, TestIdentity.Admin, Contracts.Identity.IdentityNames.Export);
        await using var gateway = await GatewayProcess.StartAsync(fixture.Cluster.Replicas, settings);
        using (var created = await PostReservationAsync(ClientFor(gateway), NewReservation(out _)))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var client = ClientFor(gateway);
        client.DefaultRequestHeaders.Add(PlatformHeaders.ApiKey, OpsKey);
        var exportsBefore = await ExportsCompletedAsync();
        var copiesBefore = Copies(await gateway.ReadMetricsAsync(Cancellation));

        var took = Stopwatch.StartNew();
        Task<HttpResponseMessage> export;
        await using (var holder = await LockReservationsAsync())
        {
            export = client.GetAsync("/api/v1/admin/reservations/export?personalData=false", Cancellation);
            await Task.Delay(Held, Cancellation);
            Assert.False(export.IsCompleted, "the export finished while its table was locked");
        }
        using (var exported = await export)
        {
            var seconds = took.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
            Assert.True(exported.StatusCode == HttpStatusCode.OK, $"export: {(int)exported.StatusCode} after {seconds} s");
            var lines = (await exported.Content.ReadAsStringAsync(Cancellation)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("code,status,", lines[0], StringComparison.Ordinal);
            Assert.True(lines.Length > 1, "the export holds no row");
        }
        // Sent once, to one replica, completed there: no copy went to another, however long it waited.
        Assert.True(await Eventually.HoldsAsync(async () => await ExportsCompletedAsync() == exportsBefore + 1, TimeSpan.FromSeconds(5)),
            "not exactly one replica completed one export");
        var metrics = await gateway.ReadMetricsAsync(Cancellation);
        Assert.Equal(copiesBefore, Copies(metrics));
        Assert.Contains(PrometheusText.Samples(metrics, "gateway_request_duration_seconds_count"), s => s.Label("route") == "export" && s.Value == 1);

        // A search is an ordinary read: under the same lock it is cut at its 3 s deadline.
        await using (await LockReservationsAsync())
        {
            using var searched = await client.GetAsync("/api/v1/admin/reservations?limit=5", Cancellation);
            Assert.Equal(HttpStatusCode.GatewayTimeout, searched.StatusCode);
        }
    }

    // Copies the gateway sent: hedges that won or lost, and attempts past their per-try timeout.
    private static double Copies(string metrics) =>
        PrometheusText.Samples(metrics, "gateway_hedges_total").Where(s => s.Label("outcome") is "won" or "lost").Sum(s => s.Value)
        + PrometheusText.Samples(metrics, "gateway_upstream_attempt_timeouts_total").Sum(s => s.Value);

    private async Task<double> ExportsCompletedAsync()
    {
        var total = 0.0;
        foreach (var replica in fixture.Cluster.Replicas)
            total += PrometheusText.Value(await replica.ReadMetricsAsync(Cancellation), "api_exports_total", "outcome=\"completed\"") ?? 0;
        return total;
    }

    // A root session holding reservations under a write lock: every read of the table waits until it is disposed.
    private async Task<TableLock> LockReservationsAsync()
    {
        var holder = new MySqlConnection(new MySqlConnectionStringBuilder(fixture.Cluster.Database.RootConnectionString) { Pooling = false }.ConnectionString);
        await holder.OpenAsync(Cancellation);
        await new MySqlCommand("LOCK TABLES reservations WRITE", holder).ExecuteNonQueryAsync(Cancellation);
        return new TableLock(holder);
    }

    private sealed class TableLock(MySqlConnection holder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await new MySqlCommand("UNLOCK TABLES", holder).ExecuteNonQueryAsync();
            await holder.DisposeAsync();
        }
    }
}
