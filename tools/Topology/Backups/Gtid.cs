using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Topology.Backups;

/// <summary>
/// One MariaDB GTID, <c>domain-server-sequence</c> (e.g. <c>0-1-42</c>). Within a domain the sequence only grows,
/// so it orders transactions; the server id only says which server wrote it.
/// </summary>
public sealed partial record Gtid(uint Domain, uint Server, ulong Sequence)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Domain}-{Server}-{Sequence}");

    /// <summary>The GTID <paramref name="text"/> holds, or null when it is not one.</summary>
    public static Gtid? Parse(string? text)
    {
        if (text is null || !Shape().IsMatch(text))
        {
            return null;
        }

        var parts = text.Split('-');
        return uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var server)
            && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                ? new Gtid(domain, server, sequence)
                : null;
    }

    /// <summary>
    /// The GTIDs of a position as MariaDB writes it (<c>@@gtid_binlog_pos</c>, xtrabackup_binlog_info): one per
    /// domain, comma separated, possibly empty. Null when it is not such a list.
    /// </summary>
    public static IReadOnlyList<Gtid>? ParseList(string text)
    {
        var gtids = new List<Gtid>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Parse(part) is not { } gtid)
            {
                return null;
            }

            gtids.Add(gtid);
        }

        return gtids;
    }

    /// <summary>The sequence a position has reached in <paramref name="domain"/> (0 when it holds nothing there).</summary>
    public static ulong SequenceIn(IReadOnlyList<Gtid> position, uint domain) =>
        position.Where(gtid => gtid.Domain == domain).Select(gtid => gtid.Sequence).DefaultIfEmpty(0UL).Max();

    // Digits only, no sign, no spaces, at most 20 digits each: what MariaDB prints.
    [GeneratedRegex(@"^[0-9]{1,10}-[0-9]{1,10}-[0-9]{1,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
