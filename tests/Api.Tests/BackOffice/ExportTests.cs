using System.Net;
using System.Net.Sockets;
using System.Text;
using Dapper;
using MySqlConnector;
using Platform.Api.BackOffice;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.BackOffice;

/// <summary>
/// docs/api.md, Back office, export: RFC 4180 CSV of exactly the rows the filters describe, with or
/// without the byte order mark and the guests' personal data, every formula neutralised, streamed and
/// stopped cleanly when the client goes away, on a share of its own; every bad option a 400.
/// </summary>
public sealed class ExportTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    private const string Path = "/api/v1/admin/reservations/export";
    private const string ExportScopes = $"{TestIdentity.Read},{TestIdentity.Admin},{Contracts.Identity.IdentityNames.Export}";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Exporter(string client = TestIdentity.DefaultClient) => fixture.Cluster.Replicas[0].CreateClient(client, ExportScopes);

    [Fact]
    public async Task Every_row_the_filters_describe_in_the_searchs_order_as_rfc_4180_csv()
    {
        using var exporter = Exporter();
        using var response = await exporter.GetAsync($"{Path}?accommodationId=7&status=cancelled&sort=checkIn", Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.StartsWith("attachment; filename=\"reservations-", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync(Cancellation);
        Assert.NotEqual(0xEF, bytes[0]); // no byte order mark unless asked
        var text = Encoding.UTF8.GetString(bytes);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var records = Csv.Parse(text);
        Assert.Equal(ReservationExport.Columns(new ExportShape(false, true)), records[0]);
        var expected = fixture.All.Where(r => r.AccommodationId == 7 && r.Status == "cancelled").OrderBy(r => r.CheckIn).ThenBy(r => r.Id).Select(r => r.Code).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, records.Skip(1).Select(r => r[0]));
        Assert.All(records, r => Assert.Equal(15, r.Count));
        // Values as an operator reads them: dates, a price with its cents, times with their zone.
        var first = records[1];
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", first[3]);
        Assert.Equal("100.00", first[7]);
        Assert.EndsWith("Z", first[9], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_whole_table_streams_with_a_byte_order_mark_on_request_and_without_personal_data_on_request()
    {
        using var exporter = Exporter();
        using var bom = await exporter.GetAsync($"{Path}?bom=true&personalData=false", Cancellation);
        var bytes = await bom.Content.ReadAsByteArrayAsync(Cancellation);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var records = Csv.Parse(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        Assert.Equal(ReservationExport.Columns(new ExportShape(true, false)), records[0]);
        Assert.DoesNotContain("guest_name", records[0]);
        Assert.True(records.Count - 1 >= SearchFixture.Rows, $"{records.Count - 1} rows");
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("@example.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("+3169", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Guest ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cell_a_spreadsheet_would_run_is_neutralised_and_a_phone_stays_as_it_was_given()
    {
        string[] names = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+SUM(1,2)", "-2+3", "@SUM(1)", "\tTabbed", "\rCarriage", "Comma, \"quoted\"\r\nand a new line", "Zoë Ngọc"];
        await using (var connection = new MySqlConnection(fixture.Cluster.Database.RootConnectionString))
        {
            for (var i = 0; i < names.Length; i++)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO reservations (code, status, accommodation_id, guest_name, guest_email, guest_phone, check_in, check_out, nights, guests,
                                              total_price, owner_client, expires_at, created_at, updated_at)
                    VALUES (@code, 'confirmed', 999, @name, @email, '+31612345678', '2030-01-01', '2030-01-02', 1, 1, 100, 'tests', NOW(6), NOW(6), NOW(6))
                    """, new { code = $"F{i:D7}", name = names[i], email = i == 0 ? "=cmd@example.com" : $"f{i}@example.com" });
            }
        }
        using var exporter = Exporter();
        using var response = await exporter.GetAsync($"{Path}?accommodationId=999&sort=checkIn", Cancellation);
        var records = Csv.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var byCode = records.Skip(1).ToDictionary(r => r[0]);
        for (var i = 0; i < names.Length; i++)
        {
            var row = byCode[$"F{i:D7}"];
            var expected = names[i][0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + names[i] : names[i];
            Assert.Equal(expected, row[12]);
            Assert.Equal("+31612345678", row[14]);
        }
        Assert.Equal("'=cmd@example.com", byCode["F0000000"][13]);
    }

    [Theory]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("limit=10", "limit")]
    [InlineData("bom=yes", "bom")]
    [InlineData("personalData=0", "personalData")]
    [InlineData("personalData=false&personalData=true", "personalData")]
    [InlineData("status=everything", "status")]
    [InlineData("format=xlsx", "format")]
    [InlineData("stayFrom=1926-01-01&stayTo=2026-01-01", "stayFrom")]
    public async Task A_bad_option_is_a_400_naming_it_before_any_row_is_read(string query, string parameter)
    {
        using var exporter = Exporter();
        using var response = await exporter.GetAsync($"{Path}?{query}", Cancellation);
        var problem = await HttpAnswers.ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed, Cancellation);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(parameter), problem.ToJsonString());
    }

    [Fact]
    public async Task Only_the_export_scope_exports()
    {
        using var admin = fixture.Cluster.Replicas[0].CreateClient(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        using var response = await admin.GetAsync(Path, Cancellation);
        await HttpAnswers.ExpectProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope, Cancellation);
    }

    [Fact]
    public async Task A_client_going_away_mid_export_stops_it_cleanly_frees_its_share_and_touches_nothing_else()
    {
        var replica = fixture.Cluster.Replicas[0];
        var before = await CountAsync(replica, ExportMetrics.ClientGone);
        // A receive buffer of a few KB and nothing read: the replica can send only so much before it waits.
        using (var slow = new HttpClient(new SocketsHttpHandler { ConnectCallback = SmallReceiveBufferAsync }))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(replica.BaseAddress, Path));
            request.Headers.Add(Contracts.Http.PlatformHeaders.ClientIdentity, TestIdentity.Sign(TestIdentity.DefaultClient, ExportScopes, HttpMethod.Get, Path));
            using var response = await slow.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync(Cancellation);
            var buffer = new byte[1024];
            Assert.True(await body.ReadAsync(buffer, Cancellation) > 0);

            // While it waits on this client, reads and creates go on, and a second export still has its share.
            using var client = replica.CreateClient();
            using (var create = await client.PostAsync("/api/v1/reservations", System.Net.Http.Json.JsonContent.Create(
                new ReservationRequest(3, new DateOnly(2031, 1, 1), new DateOnly(2031, 1, 3)).ToJson()), Cancellation))
                Assert.Equal(HttpStatusCode.Created, create.StatusCode);
            using var exporter = Exporter();
            using (var second = await exporter.GetAsync($"{Path}?accommodationId=3", Cancellation))
                Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        } // the client goes away

        Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(replica, ExportMetrics.ClientGone) == before + 1, TimeSpan.FromSeconds(10)),
            "the export did not end as client_gone");
        // Its share and its connection are back: two exports at once still run.
        using var one = Exporter();
        using var two = Exporter("tests-2");
        var answers = await Task.WhenAll(one.GetAsync($"{Path}?accommodationId=4", Cancellation), two.GetAsync($"{Path}?accommodationId=5", Cancellation));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        foreach (var answer in answers)
            answer.Dispose();
    }

    private static async ValueTask<Stream> SmallReceiveBufferAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }

    private static async Task<double> CountAsync(ApiReplica replica, string outcome) =>
        PrometheusText.Value(await replica.ReadMetricsAsync(Cancellation), "api_exports_total", $"outcome=\"{outcome}\"") ?? 0;

    /// <summary>RFC 4180, read here without the library that wrote it: records of fields, quotes doubled inside quoted fields.</summary>
    private static class Csv
    {
        public static List<List<string>> Parse(string text)
        {
            var records = new List<List<string>>();
            var record = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else field.Append(c);
                }
                else if (c == '"' && field.Length == 0) quoted = true;
                else if (c == ',') { record.Add(field.ToString()); field.Clear(); }
                else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { record.Add(field.ToString()); field.Clear(); records.Add(record); record = []; i++; }
                else field.Append(c);
            }
            Assert.False(quoted, "the CSV ends inside a quoted field");
            Assert.Empty(record);
            return records;
        }
    }
}
