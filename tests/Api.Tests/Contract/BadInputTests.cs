using System.Net;
using System.Text.Json.Nodes;
using Platform.Contracts.Http;
using Platform.Contracts.Problems;
using Platform.Testing;

namespace Platform.Api.Tests.Contract;

/// <summary>Every malformed create is a 4xx problem+json, never a 5xx, and writes nothing.</summary>
public class BadInputTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    /// <summary>A body edit (applied to a valid body) and the status and field it must be refused with.</summary>
    public static TheoryData<string, int, string?> BodyEdits() => new()
    {
        { "accommodationId=\"42\"", 400, "accommodationId" },
        { "accommodationId=1.5", 400, "accommodationId" },
        { "accommodationId=99999999999999999999", 400, "accommodationId" },
        { "accommodationId=0", 400, "accommodationId" },
        { "accommodationId=-1", 400, "accommodationId" },
        { "accommodationId=null", 400, "accommodationId" },
        { "-accommodationId", 400, "accommodationId" },
        { "-guestName", 400, "guestName" },
        { "guestName=\"\"", 400, "guestName" },
        { "guestName=\"   \"", 400, "guestName" },
        { "guestName=42", 400, "guestName" },
        { "guestName=[\"Ana\"]", 400, "guestName" },
        { "guestName=\"" + new string('x', 201) + "\"", 400, "guestName" },
        { "guestName=\"Ana\\u0000\"", 400, "guestName" },
        { "-guestEmail", 400, "guestEmail" },
        { "guestEmail=\"ana\"", 400, "guestEmail" },
        { "guestEmail=\"ana@\"", 400, "guestEmail" },
        { "guestEmail=\"" + new string('a', 250) + "@example.com\"", 400, "guestEmail" },
        { "-guestPhone", 400, "guestPhone" },
        { "guestPhone=\"5491112345678\"", 400, "guestPhone" },
        { "guestPhone=\"+54 9 11 1234-5678\"", 400, "guestPhone" },
        { "guestPhone=\"+1234567\"", 400, "guestPhone" },
        { "guestPhone=5491112345678", 400, "guestPhone" },
        { "-checkIn", 400, "checkIn" },
        { "checkIn=\"2027-02-30\"", 400, "checkIn" },
        { "checkIn=\"10/01/2030\"", 400, "checkIn" },
        { "checkIn=\"2030-1-5\"", 400, "checkIn" },
        { "checkIn=\"2020-01-01\"", 400, "checkIn" },
        { "checkIn=20300101", 400, "checkIn" },
        { "-checkOut", 400, "checkOut" },
        { "nights=0", 400, "checkOut" },
        { "nights=-2", 400, "checkOut" },
        { "nights=31", 400, "checkOut" },
        { "-guests", 400, "guests" },
        { "guests=0", 400, "guests" },
        { "guests=-1", 400, "guests" },
        { "guests=\"2\"", 400, "guests" },
        { "guests=2.5", 400, "guests" },
        { "guests=9", 400, "guests" },
        { "guestName=\"" + new string('x', 70_000) + "\"", 413, null },
    };

    [Theory]
    [MemberData(nameof(BodyEdits))]
    public async Task Each_bad_field_is_refused_with_a_problem_naming_it(string edit, int status, string? field)
    {
        var phone = ReservationRequest.NewPhone();
        var body = Edit(Body(NewStay() with { AccommodationId = 1 }, phone), edit); // capacity 3
        using var response = await PostRawAsync(Client(), body);
        var problem = await ExpectAsync(response, (HttpStatusCode)status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(status, (int?)problem["status"]);
        if (field is not null)
            Assert.NotNull(problem["errors"]?[field]);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{")]
    [InlineData("{\"accommodationId\": 42")]
    [InlineData("[1, 2, 3]")]
    [InlineData("\"a string\"")]
    [InlineData("not json at all")]
    [InlineData("{\"accommodationId\": 42,}")]
    [InlineData("{}")]
    public async Task Malformed_or_empty_bodies_are_400(string body)
    {
        using var response = await PostRawAsync(Client(), body);
        var problem = await ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((string?)problem["type"] is ProblemTypes.MalformedRequest or ProblemTypes.ValidationFailed, problem.ToJsonString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        using var response = await PostRawAsync(Client(), Body(NewStay()).ToJsonString(), contentType: "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("key/with/slash")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123x")]
    public async Task A_malformed_idempotency_key_is_400_and_writes_nothing(string key)
    {
        var phone = ReservationRequest.NewPhone();
        using var response = await PostAsync(Client(), Body(NewStay(), phone), key);
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ValidationFailed);
        Assert.NotNull(problem["errors"]?[PlatformHeaders.IdempotencyKey]);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
    }

    /// <summary>
    /// A name that would read differently from what it holds (a bidi override or isolate turning it
    /// around, an invisible character splitting it) is refused by field, and the answer never echoes it
    /// (every value carries the marker "Qx7", which must not appear in the answer).
    /// </summary>
    [Theory]
    [InlineData("guestName", "Qx7 \\u202Ezeréz")]          // RIGHT-TO-LEFT OVERRIDE
    [InlineData("guestName", "Qx7 \\u202APérez")]          // LEFT-TO-RIGHT EMBEDDING
    [InlineData("guestName", "Qx7 \\u2066Pérez")]          // LEFT-TO-RIGHT ISOLATE
    [InlineData("guestName", "Qx7 Pérez\\u2069")]          // POP DIRECTIONAL ISOLATE
    [InlineData("guestName", "Qx7\\u200BPérez")]           // ZERO WIDTH SPACE
    [InlineData("guestName", "\\uFEFFQx7 Pérez")]          // BYTE ORDER MARK
    [InlineData("guestName", "Qx7 Pé\\u00ADrez")]          // SOFT HYPHEN (Cf)
    [InlineData("guestName", "Qx7 \\u2060Pérez")]          // WORD JOINER (Cf)
    [InlineData("guestName", "Qx7 P\\uFDD0érez")]          // a noncharacter
    [InlineData("guestName", "Qx7 P\\uDBFF\\uDFFFérez")] // U+10FFFF, a noncharacter
    [InlineData("guestName", "Qx7 P\\uD800érez")]          // a lone surrogate
    [InlineData("guestEmail", "qx7\\u202Ea@example.com")]
    [InlineData("guestEmail", "qx7\\u200B@example.com")]
    [InlineData("guestEmail", "\\uFEFFqx7@example.com")]
    public async Task A_bidi_or_format_character_is_refused_naming_the_field_and_not_echoed(string field, string jsonEscaped)
    {
        var phone = ReservationRequest.NewPhone();
        var body = Edit(Body(NewStay(), phone), $"{field}=\"{jsonEscaped}\"");
        using var response = await PostRawAsync(Client(), body);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(text)!["errors"]?[field]);
        Assert.DoesNotContain("qx7", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone", new { phone }));
    }

    /// <summary>ZWNJ and ZWJ are how Persian and Indic names are spelled: accepted and stored as sent.</summary>
    [Theory]
    [InlineData("\u0645\u0647\u0631\u200C\u0646\u0627\u0632 \u0631\u0636\u0627\u06CC\u06CC")] // Persian, with ZWNJ
    [InlineData("\u0936\u094D\u200D\u092F\u093E\u092E \u0930\u093E\u0935")]                   // Devanagari, with ZWJ
    public async Task A_name_with_zwnj_or_zwj_is_accepted_and_stored_as_sent(string escaped)
    {
        var name = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var phone = ReservationRequest.NewPhone();
        using var response = await PostAsync(Client(), Body(NewStay(), phone, name: name));
        await ExpectAsync(response, HttpStatusCode.Created);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reservations WHERE guest_phone = @phone AND guest_name = @name", new { phone, name }));
    }

    [Fact]
    public async Task A_sixty_four_character_idempotency_key_is_accepted()
    {
        using var response = await PostAsync(Client(), Body(NewStay()), new string('k', 63) + Guid.NewGuid().ToString("N")[..1]);
        await ExpectAsync(response, HttpStatusCode.Created);
    }

    /// <summary>"field=json" sets a field, "-field" removes it, "nights=N" moves checkOut N nights after checkIn.</summary>
    private static string Edit(JsonObject body, string edit)
    {
        if (edit.StartsWith('-'))
        {
            body.Remove(edit[1..]);
            return body.ToJsonString();
        }
        var (field, value) = (edit[..edit.IndexOf('=')], edit[(edit.IndexOf('=') + 1)..]);
        if (field == "nights")
        {
            var checkIn = DateOnly.Parse((string)body["checkIn"]!, System.Globalization.CultureInfo.InvariantCulture);
            body["checkOut"] = checkIn.AddDays(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).ToString("yyyy-MM-dd");
            return body.ToJsonString();
        }
        // Splice raw JSON in, so wrong types and out-of-range numbers reach the server as written.
        body[field] = "__RAW__";
        return body.ToJsonString().Replace("\"__RAW__\"", value, StringComparison.Ordinal);
    }
}
