using System.Globalization;

namespace Platform.Topology.Backups;

/// <summary>How far a restore replays the binary log: to its end, to a UTC time (exclusive), or to a GTID (inclusive).</summary>
public sealed record RestoreTarget(DateTime? Time, Gtid? Gtid)
{
    public static RestoreTarget Latest { get; } = new(null, null);

    /// <summary>The accepted forms of a time, all UTC: ISO 8601 with a Z, or MariaDB's own with a space.</summary>
    public static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd HH:mm:ss"];

    public override string ToString() =>
        Time is { } time ? $"up to {time.ToString(TimeFormats[0], CultureInfo.InvariantCulture)} (exclusive)"
        : Gtid is { } gtid ? $"up to GTID {gtid} (inclusive)"
        : "to the end of the binary log";

    /// <summary>
    /// The target from <c>--to</c> and <c>--to-gtid</c> (at most one of them), checked against
    /// <paramref name="now"/>: a time must be a UTC second that has passed; the binary log holds whole seconds.
    /// </summary>
    /// <exception cref="ArgumentException">Both are given, or either is malformed; the message says what to give.</exception>
    public static RestoreTarget Parse(string? to, string? toGtid, DateTime now)
    {
        if (to is not null && toGtid is not null)
        {
            throw new ArgumentException("give --to or --to-gtid, not both");
        }

        if (toGtid is not null)
        {
            return new RestoreTarget(null, Backups.Gtid.Parse(toGtid)
                ?? throw new ArgumentException($"--to-gtid '{toGtid}' is not a GTID; give domain-server-sequence, e.g. 0-1-4711 (SELECT @@gtid_binlog_pos shows the last)"));
        }

        if (to is null)
        {
            return Latest;
        }

        if (!DateTime.TryParseExact(to, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new ArgumentException($"--to '{to}' is not a UTC time; give e.g. 2026-12-07T03:00:00Z or '2026-12-07 03:00:00' (UTC)");
        }

        if (time > now)
        {
            throw new ArgumentException($"--to {time.ToString(TimeFormats[0], CultureInfo.InvariantCulture)} is in the future (now {now.ToString(TimeFormats[0], CultureInfo.InvariantCulture)}); leave --to out to restore everything up to now");
        }

        return new RestoreTarget(DateTime.SpecifyKind(time, DateTimeKind.Utc), null);
    }
}
