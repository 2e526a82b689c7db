using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Platform.Api.Database;
using Platform.Api.Deadlines;
using Platform.Api.Identity;
using Platform.Api.Reservations;

namespace Platform.Api.BackOffice;

/// <summary>The back office's search: one statement per page (<see cref="SearchPlan"/>), bounded on the server by the request's deadline.</summary>
public sealed class ReservationSearch([FromKeyedServices(Databases.BackOffice)] MySqlDataSource database, IOptions<IdentityOptions> identity, TimeProvider clock)
{
    private readonly SearchCursor _cursors = new(identity.Value.SigningKey);

    /// <summary>The key <paramref name="cursor"/> holds, if it is one this search gave <paramref name="client"/>.</summary>
    public bool TryReadCursor(string cursor, SearchFilters filters, string client, out (long Position, long Id) after)
    {
        var valid = _cursors.TryRead(cursor, filters, client, out var position, out var id);
        after = (position, id);
        return valid;
    }

    public async Task<SearchPage> PageAsync(SearchFilters filters, int limit, (long Position, long Id)? after, string client,
        RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime.TruncateToMicroseconds();
        // One more than the page: whether there is a next page is known without a second statement.
        var statement = SearchPlan.For(filters, limit + 1, after, now);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ReservationRow>(new CommandDefinition(
            deadline.ReadLimit() + statement.Sql, statement.Parameters, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? _cursors.Create(filters, client, page[^1].Position(filters.Order), page[^1].Id) : null;
        return new SearchPage([.. page.Select(r => r.ToAdminView(now))], next);
    }
}
