using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using MySqlConnector;
using Platform.Api.BackOffice;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.BackOffice;

/// <summary>
/// docs/api.md, Back office, search: every combination of filters the endpoint accepts reads one index in
/// order (EXPLAIN, on the real server), pages put together are exactly the rows the filters describe (worked
/// out here from the rows themselves), and every bad or hostile input is a 400 or 403 that touches nothing.
/// </summary>
public sealed class SearchTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    private const string Path = "/api/v1/admin/reservations";
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_accepted_combination_of_filters_reads_one_index_in_order_with_no_full_scan()
    {
        await using var connection = new MySqlConnection(fixture.Cluster.Database.RootConnectionString);
        await connection.OpenAsync(Cancellation);
        var checkedPlans = 0;
        foreach (var filters in AllCombinations())
        {
            foreach (var after in new (long, long)?[] { null, (filters.Order == SearchOrder.Newest ? fixture.LoadedAt.Ticks : new DateOnly(2026, 3, 1).DayNumber, 10_000) })
            {
                var statement = SearchPlan.For(filters, 51, after, fixture.LoadedAt);
                var plan = (await connection.QueryAsync("EXPLAIN " + statement.Sql, statement.Parameters)).Cast<IDictionary<string, object>>().Single();
                var type = (string)plan["type"];
                var key = (string)plan["key"];
                var extra = plan["Extra"] as string ?? "";
                var shown = $"{filters} -> {statement.Index}: type {type}, key {key}, rows {plan["rows"]}, extra '{extra}'";
                // An index read in order and stopped at the limit shows as type "index" with the limit's rows.
                Assert.True(type is "ref" or "range" || (type == "index" && Convert.ToInt64(plan["rows"], CultureInfo.InvariantCulture) <= 51), shown);
                Assert.Equal(statement.Index, key);
                // Sorted only where the plan says it sorts a bounded set: a stay window's rows, or one guest's.
                var sortsGuest = filters.Order == SearchOrder.CheckIn && (filters.GuestPhone ?? filters.GuestEmail) is not null;
                Assert.True(!extra.Contains("filesort", StringComparison.Ordinal) || statement.SortsWindow || sortsGuest, shown);
                checkedPlans++;
            }
        }
        Assert.Equal(1 << 10, checkedPlans); // 2^9 combinations, each from its first page and from a cursor
        TestContext.Current.TestOutputHelper?.WriteLine($"{checkedPlans} plans checked");
    }

    [Theory]
    [InlineData("", 200)]
    [InlineData("sort=checkIn", 200)]
    [InlineData("status=confirmed", 200)]
    [InlineData("status=pre_reserved&sort=checkIn", 200)]
    [InlineData("accommodationId=7", 40)]
    [InlineData("accommodationId=7&sort=checkIn&status=cancelled", 9)]
    [InlineData("owner=tests&stayFrom=2026-03-01&stayTo=2026-03-08", 50)]
    [InlineData("owner=anonymous&stayFrom=2026-03-01&stayTo=2026-03-08&sort=checkIn", 50)]
    [InlineData("stayFrom=2026-12-30&stayTo=2027-01-02", 25)]
    [InlineData("guestPhone=%2B31690000042", 3)]
    [InlineData("guestPhone=%2B31690000042&sort=checkIn", 4)]
    [InlineData("guestEmail=GUEST42@example.com&status=expired", 2)]
    [InlineData("createdFrom=2000-01-01&createdTo=2100-01-01&accommodationId=9&owner=bench_load", 11)]
    public async Task Pages_put_together_are_exactly_the_rows_the_filters_describe_in_order_with_no_row_twice(string query, int limit)
    {
        using var admin = fixture.Cluster.Replicas[0].CreateClient(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        var expected = Expected(query);
        var seen = new List<string>();
        string? cursor = null;
        for (var pages = 0; pages < 200; pages++)
        {
            var url = $"{Path}?{query}{(query.Length > 0 ? "&" : "")}limit={limit}{(cursor is null ? "" : "&cursor=" + cursor)}";
            using var response = await admin.GetAsync(url, Cancellation);
            var page = await HttpAnswers.ExpectAsync(response, HttpStatusCode.OK, Cancellation);
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= limit);
            seen.AddRange(items.Select(item => (string)item!["code"]!));
            cursor = (string?)page["nextCursor"];
            if (cursor is null)
                break;
            // Only the first pages of the big searches: enough to cross many ties.
            if (seen.Count >= 1_000)
                break;
        }
        Assert.Equal(expected.Take(seen.Count), seen);
        if (cursor is null)
            Assert.Equal(expected.Count, seen.Count);
        Assert.True(expected.Count > 0, $"the query '{query}' matches nothing: the test would prove nothing");
    }

    [Fact]
    public async Task An_item_has_what_an_operator_needs_and_a_hold_past_its_expiry_reads_as_expired()
    {
        using var admin = fixture.Cluster.Replicas[0].CreateClient(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        using var response = await admin.GetAsync($"{Path}?guestPhone=%2B31690000008&limit=200", Cancellation);
        var items = (await HttpAnswers.ExpectAsync(response, HttpStatusCode.OK, Cancellation))["items"]!.AsArray();
        var item = items.Select(i => i!.AsObject()).First(i => (string)i["code"]! == "T0000008");
        foreach (var field in new[] { "code", "status", "accommodationId", "guestName", "guestEmail", "guestPhone", "checkIn", "checkOut", "nights", "guests", "totalPrice", "ownerClient", "expiresAt", "createdAt", "updatedAt" })
            Assert.True(item.ContainsKey(field), $"no {field} in {item.ToJsonString()}");
        // Seq 8: pre_reserved in the table, its hold over a minute before the load.
        Assert.Equal("expired", (string)item["status"]!);
        using var held = await admin.GetAsync($"{Path}?status=pre_reserved&guestPhone=%2B31690000008", Cancellation);
        Assert.DoesNotContain((await HttpAnswers.ExpectAsync(held, HttpStatusCode.OK, Cancellation))["items"]!.AsArray(), i => (string)i!["code"]! == "T0000008");
    }

    [Theory]
    [InlineData("stauts=confirmed", "stauts")]
    [InlineData("status=confirmed&status=cancelled", "status")]
    [InlineData("status=CONFIRMED", "status")]
    [InlineData("status=confirmed'%20OR%20'1'='1", "status")]
    [InlineData("accommodationId=0", "accommodationId")]
    [InlineData("accommodationId=7%3B%20DROP%20TABLE%20reservations", "accommodationId")]
    [InlineData("owner=a%20b", "owner")]
    [InlineData("guestPhone=12345", "guestPhone")]
    [InlineData("guestEmail=nobody", "guestEmail")]
    [InlineData("stayFrom=2026-01-01", "stayTo")]
    [InlineData("stayFrom=1926-01-01&stayTo=2026-01-01", "stayFrom")]
    [InlineData("stayFrom=2026-01-01&stayTo=2126-01-01", "stayTo")]
    [InlineData("stayFrom=2026-01-10&stayTo=2026-01-01", "stayTo")]
    [InlineData("createdFrom=yesterday", "createdFrom")]
    [InlineData("createdFrom=2026-12-07T10:00:00", "createdFrom")]
    [InlineData("createdFrom=2026-12-07&createdTo=2026-12-01", "createdTo")]
    [InlineData("sort=price", "sort")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("cursor=AAAA", "cursor")]
    [InlineData("cursor=not%20base64!", "cursor")]
    public async Task A_bad_filter_is_a_400_naming_the_parameter(string query, string parameter)
    {
        using var admin = fixture.Cluster.Replicas[0].CreateClient(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        using var response = await admin.GetAsync($"{Path}?{query}", Cancellation);
        var problem = await HttpAnswers.ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed, Cancellation);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(parameter), problem.ToJsonString());
    }

    [Fact]
    public async Task A_filter_of_10_KB_is_refused_before_the_endpoint_and_one_of_1_KB_is_a_400_that_echoes_none_of_it()
    {
        using var admin = fixture.Cluster.Replicas[0].CreateClient(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        // Past Kestrel's 8 KB request line: 414 from the server itself, before any of our code.
        using (var huge = await admin.GetAsync($"{Path}?guestEmail={new string('x', 10_240)}@example.com", Cancellation))
            Assert.Equal(HttpStatusCode.RequestUriTooLong, huge.StatusCode);
        using var response = await admin.GetAsync($"{Path}?guestEmail={new string('x', 1_024)}@example.com", Cancellation);
        var problem = await HttpAnswers.ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed, Cancellation);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("guestEmail"), problem.ToJsonString());
        Assert.DoesNotContain("xxxxxxxx", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cursor_forged_edited_or_carried_to_other_filters_or_another_client_is_a_400()
    {
        using var admin = fixture.Cluster.Replicas[0].CreateClient(TestIdentity.DefaultClient, TestIdentity.AdminScopes);
        using var other = fixture.Cluster.Replicas[0].CreateClient("another-admin", TestIdentity.AdminScopes);
        using var first = await admin.GetAsync($"{Path}?accommodationId=7&limit=5", Cancellation);
        var cursor = (string)(await HttpAnswers.ExpectAsync(first, HttpStatusCode.OK, Cancellation))["nextCursor"]!;

        // Its own next page is fine.
        using (var next = await admin.GetAsync($"{Path}?accommodationId=7&limit=5&cursor={cursor}", Cancellation))
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var edited = cursor[..10] + (cursor[10] == 'A' ? 'B' : 'A') + cursor[11..];
        foreach (var (caller, query) in new[]
        {
            (admin, $"accommodationId=7&limit=5&cursor={edited}"),
            (admin, $"accommodationId=8&limit=5&cursor={cursor}"),
            (admin, $"accommodationId=7&sort=checkIn&limit=5&cursor={cursor}"),
            (other, $"accommodationId=7&limit=5&cursor={cursor}"),
        })
        {
            using var response = await caller.GetAsync($"{Path}?{query}", Cancellation);
            var problem = await HttpAnswers.ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed, Cancellation);
            Assert.True(problem["errors"]!.AsObject().ContainsKey("cursor"), query);
        }
    }

    [Fact]
    public async Task Only_the_admin_scope_searches()
    {
        using var reader = fixture.Cluster.Replicas[0].CreateClient(TestIdentity.DefaultClient, TestIdentity.DefaultScopes);
        using var response = await reader.GetAsync($"{Path}?status=confirmed", Cancellation);
        await HttpAnswers.ExpectProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.InsufficientScope, Cancellation);
        using var unsigned = fixture.Cluster.Replicas[0].CreateUnsignedClient();
        using var nobody = await unsigned.GetAsync(Path, Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_search_parameter_and_its_refusals()
    {
        using var client = fixture.Cluster.Replicas[0].CreateClient();
        using var response = await client.GetAsync("/api/v1/openapi.json", Cancellation);
        var operation = (await HttpAnswers.ExpectAsync(response, HttpStatusCode.OK, Cancellation))["paths"]![Path]!["get"]!;
        Assert.Equal(SearchFilters.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), operation["parameters"]!.AsArray().Select(p => (string)p!["name"]!).Order(StringComparer.Ordinal));
        foreach (var status in new[] { "200", "400", "401", "403", "503", "504" })
            Assert.True(operation["responses"]!.AsObject().ContainsKey(status), $"GET {Path} does not list {status}");
    }

    // Every filter on or off (stays and creation as ranges), in both orders: 2^9 combinations, each valid.
    private static IEnumerable<SearchFilters> AllCombinations()
    {
        for (var bits = 0; bits < 1 << 8; bits++)
        {
            bool On(int bit) => (bits & (1 << bit)) != 0;
            foreach (var order in new[] { SearchOrder.Newest, SearchOrder.CheckIn })
            {
                yield return new SearchFilters(
                    On(0) ? "confirmed" : null, On(1) ? 7 : null, On(2) ? "tests" : null, On(3) ? "guest42@example.com" : null, On(4) ? "+31690000042" : null,
                    On(5) ? new DateOnly(2026, 3, 1) : null, On(5) ? new DateOnly(2026, 3, 8) : null,
                    On(6) ? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) : null, On(7) ? new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc) : null, order);
            }
        }
    }

    // What a query should find, from the rows alone: the same filters, the same order, ties by id.
    private List<string> Expected(string query)
    {
        var values = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(part => part.Split('=', 2))
            .ToDictionary(part => part[0], part => Uri.UnescapeDataString(part[1]), StringComparer.Ordinal);
        string? Value(string name) => values.GetValueOrDefault(name);
        DateTime? Day(string name) => Value(name) is { } v ? DateTime.Parse(v, CultureInfo.InvariantCulture) : null;
        var rows = fixture.All.Where(r =>
            (Value("status") is not { } s || (r.Status == s && (s != "pre_reserved" || r.ExpiresAt > DateTime.UtcNow)))
            && (Value("accommodationId") is not { } a || r.AccommodationId == int.Parse(a, CultureInfo.InvariantCulture))
            && (Value("owner") is not { } o || r.OwnerClient == o)
            && (Value("guestPhone") is not { } p || r.GuestPhone == p)
            && (Value("guestEmail") is not { } e || string.Equals(r.GuestEmail, e, StringComparison.OrdinalIgnoreCase))
            && (Day("stayFrom") is not { } from || (r.CheckOut > from && r.CheckIn < Day("stayTo")!.Value))
            && (Day("createdFrom") is not { } cf || r.CreatedAt >= cf)
            && (Day("createdTo") is not { } ct || r.CreatedAt < ct));
        var ordered = Value("sort") == "checkIn"
            ? rows.OrderBy(r => r.CheckIn).ThenBy(r => r.Id)
            : rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id);
        return [.. ordered.Select(r => r.Code)];
    }
}
