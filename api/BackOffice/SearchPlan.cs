using System.Text;
using Dapper;
using Platform.Api.Reservations;

namespace Platform.Api.BackOffice;

/// <summary>A search's one statement: its SQL, its parameters, and the index it reads.</summary>
/// <param name="SortsWindow">True when the page is sorted from a stay window's rows (at most a year and a month of check-ins of one accommodation, client or status) rather than read in index order.</param>
public sealed record SearchStatement(string Sql, DynamicParameters Parameters, string Index, bool SortsWindow);

/// <summary>
/// How a search is read (docs/api.md, Back office): one statement per page, through one index chosen by
/// the filters (FORCE INDEX: the plan never depends on the optimizer's statistics of the day), read in the
/// page's order from the cursor's key and stopped at the limit:
/// <list type="number">
/// <item>a guest's phone or email: that guest's rows (few), in creation order;</item>
/// <item>else the first of accommodation, owner client and status, with the page's order as the index's
/// second column (creation time or check-in); none of them: creation time or check-in alone;</item>
/// <item>a stay window narrows the check-in index to the window's check-ins (from
/// <see cref="ReservationValidator.MaxNights"/> days before it); read newest first, those rows (at most
/// 397 days' worth of one accommodation, client or status) are sorted, never the table.</item>
/// </list>
/// Every other filter is a condition on the rows the index yields.
/// </summary>
public static class SearchPlan
{
    public static SearchStatement For(SearchFilters filters, int limit, (long Position, long Id)? after, DateTime now, string columns = AdminReservationRows.Columns)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var p = new DynamicParameters();
        var where = new List<string>();
        var byCheckIn = filters.Order == SearchOrder.CheckIn;
        var window = filters.StayFrom is not null;

        // The leading column and the index it has for this order.
        var leading =
            filters.GuestPhone is not null ? "guest_phone_"
            : filters.GuestEmail is not null ? "guest_email_"
            : filters.AccommodationId is not null ? "accommodation_"
            : filters.Owner is not null ? "owner_"
            : filters.Status is not null ? "status_"
            : "";
        var guest = leading.StartsWith("guest_", StringComparison.Ordinal);
        // A window read newest first goes through the check-in index too, and sorts what it finds there.
        var indexOnCheckIn = !guest && (byCheckIn || window);
        var index = "ix_reservations_" + leading + (indexOnCheckIn ? "check_in" : "created");
        var sortsWindow = window && !byCheckIn && !guest;

        foreach (var (column, name, value) in Filters(filters))
        {
            where.Add($"r.{column} = @{name}");
            p.Add(name, value);
        }
        if (filters.Status == ReservationStatus.PreReserved)
        {
            where.Add("r.expires_at > @now");
            p.Add("now", now);
        }
        if (filters.StayFrom is { } from && filters.StayTo is { } to)
        {
            // Overlapping the window: check-out after its first day, check-in before its end. A stay is at
            // most MaxNights long, so its check-in is at most that before the window: a range of the index.
            where.Add("r.check_in >= @windowStart AND r.check_in < @stayTo AND r.check_out > @stayFrom");
            p.Add("windowStart", from.AddDays(-ReservationValidator.MaxNights).ToDateTime(TimeOnly.MinValue));
            p.Add("stayFrom", from.ToDateTime(TimeOnly.MinValue));
            p.Add("stayTo", to.ToDateTime(TimeOnly.MinValue));
        }
        if (filters.CreatedFrom is { } createdFrom)
        {
            where.Add("r.created_at >= @createdFrom");
            p.Add("createdFrom", createdFrom);
        }
        if (filters.CreatedTo is { } createdTo)
        {
            where.Add("r.created_at < @createdTo");
            p.Add("createdTo", createdTo);
        }
        if (after is { } cursor)
        {
            if (byCheckIn)
            {
                where.Add("(r.check_in > @afterPosition OR (r.check_in = @afterPosition AND r.id > @afterId))");
                p.Add("afterPosition", DateOnly.FromDayNumber((int)cursor.Position).ToDateTime(TimeOnly.MinValue));
            }
            else
            {
                where.Add("(r.created_at < @afterPosition OR (r.created_at = @afterPosition AND r.id < @afterId))");
                p.Add("afterPosition", new DateTime(cursor.Position, DateTimeKind.Utc));
            }
            p.Add("afterId", cursor.Id);
        }
        p.Add("limit", limit);

        var sql = new StringBuilder($"SELECT {columns} FROM reservations r FORCE INDEX ({index})");
        if (where.Count > 0)
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        sql.Append(byCheckIn ? " ORDER BY r.check_in, r.id" : " ORDER BY r.created_at DESC, r.id DESC").Append(" LIMIT @limit");
        return new SearchStatement(sql.ToString(), p, index, sortsWindow);
    }

    // Equality filters: the leading one and the rest as conditions alike.
    private static IEnumerable<(string Column, string Name, object Value)> Filters(SearchFilters f)
    {
        if (f.GuestPhone is { } phone)
            yield return ("guest_phone", "guestPhone", phone);
        if (f.GuestEmail is { } email)
            yield return ("guest_email", "guestEmail", email);
        if (f.AccommodationId is { } accommodation)
            yield return ("accommodation_id", "accommodationId", accommodation);
        if (f.Owner is { } owner)
            yield return ("owner_client", "owner", owner);
        if (f.Status is { } status)
            yield return ("status", "status", status);
    }
}
