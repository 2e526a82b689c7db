namespace Platform.Api.Reservations;

/// <summary>
/// Gives a hold's count back to its holder's counter and its budget shard when it stops being held
/// (confirmed, cancelled, expired), in the transaction that ends it. Floored at 0: a counter can be
/// behind its holds (a row changed by hand, or counted before a restore), never below none.
/// </summary>
internal static class HoldRelease
{
    /// <summary>Statements for one reservation, parameters <c>@holder</c>, <c>@shard</c>, <c>@nights</c>; none when it counted against nothing.</summary>
    public static IEnumerable<string> Statements(string? holder, byte? shard)
    {
        if (holder is not null)
            yield return "UPDATE hold_counters SET holds = GREATEST(holds - 1, 0), nights = GREATEST(nights - @nights, 0) WHERE holder = @holder";
        if (shard is not null)
            yield return "UPDATE hold_budget SET nights = GREATEST(nights - @nights, 0) WHERE shard = @shard";
    }

    /// <summary>
    /// Statements for the reservations <c>@ids</c> at once (the expiry sweep): each holder's and each
    /// shard's total, in one statement each. Run last, just before COMMIT, as a create adds to them:
    /// the counters and shards every anonymous create needs stay locked for the shortest time.
    /// </summary>
    public static readonly IReadOnlyList<string> Many =
    [
        """
        UPDATE hold_counters c
        JOIN (SELECT holder, COUNT(*) AS holds, SUM(nights) AS nights FROM reservations
              WHERE id IN @ids AND holder IS NOT NULL GROUP BY holder) x ON x.holder = c.holder
        SET c.holds = GREATEST(c.holds - x.holds, 0), c.nights = GREATEST(c.nights - x.nights, 0)
        """,
        """
        UPDATE hold_budget b
        JOIN (SELECT budget_shard, SUM(nights) AS nights FROM reservations
              WHERE id IN @ids AND budget_shard IS NOT NULL GROUP BY budget_shard) x ON x.budget_shard = b.shard
        SET b.nights = GREATEST(b.nights - x.nights, 0)
        """,
    ];
}
