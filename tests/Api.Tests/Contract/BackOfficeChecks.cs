using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using MySqlConnector;

namespace Platform.Api.Tests.Contract;

/// <summary>A place as the accommodations table has it, read by the back office's tests to work out their expected answers without the API.</summary>
public sealed class PlaceRow
{
    public long Id { get; set; }
    public int Capacity { get; set; }
    public decimal NightlyPrice { get; set; }
    public decimal WeekendPrice { get; set; }

    public static async Task<List<PlaceRow>> ReadAsync(MySqlConnection root, string where = "TRUE") =>
        [.. await root.QueryAsync<PlaceRow>(
            $"SELECT id AS Id, capacity AS Capacity, nightly_price AS NightlyPrice, weekend_price AS WeekendPrice FROM accommodations WHERE {where}")];
}

/// <summary>What the back office's tests check of every refusal of a parameter.</summary>
public static class BackOfficeChecks
{
    /// <summary>A 400 problem+json whose <c>errors</c> name <paramref name="field"/>; returns the body.</summary>
    public static async Task<string> ExpectValidationAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"no error for {field}: {body}");
        return body;
    }
}
