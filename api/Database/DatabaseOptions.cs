using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Database;

/// <summary>The <c>Database</c> section: where the database is and how big this replica's pool may grow.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Database:ConnectionString is required (environment: Database__ConnectionString).")]
    public string ConnectionString { get; set; } = "";

    // Three replicas x 30 stays far below the server's max_connections (200) with room for the
    // background pools, operators and a fourth or fifth replica while scaling.
    [Range(1, 1000, ErrorMessage = "Database:MaximumPoolSize must be between {1} and {2}.")]
    public int MaximumPoolSize { get; set; } = 30;

    [Range(0, 1000, ErrorMessage = "Database:MinimumPoolSize must be between {1} and {2}.")]
    public int MinimumPoolSize { get; set; } = 2;

    /// <summary>How long a request waits for a pooled connection (or a new one) before it gets a 503.</summary>
    [Range(1, 60, ErrorMessage = "Database:ConnectionTimeoutSeconds must be between {1} and {2}.")]
    public int ConnectionTimeoutSeconds { get; set; } = 2;

    [Range(1, 3600, ErrorMessage = "Database:ConnectionIdleTimeoutSeconds must be between {1} and {2}.")]
    public int ConnectionIdleTimeoutSeconds { get; set; } = 60;

    [Range(1, 300, ErrorMessage = "Database:CommandTimeoutSeconds must be between {1} and {2}.")]
    public int CommandTimeoutSeconds { get; set; } = 15;

    /// <summary>Connections for the outbox relay and expiry sweep, kept apart so they never starve requests.</summary>
    [Range(1, 20, ErrorMessage = "Database:BackgroundPoolSize must be between {1} and {2}.")]
    public int BackgroundPoolSize { get; set; } = 2;

    /// <summary>
    /// The back office's exports' own pool (docs/api.md, Back office): an export streams for minutes, so it
    /// never takes a connection from the request pool a create needs. Also how many exports run at once.
    /// </summary>
    [Range(1, 20, ErrorMessage = "Database:ExportPoolSize must be between {1} and {2}.")]
    public int ExportPoolSize { get; set; } = 2;

    /// <summary>
    /// The back office's searches, reports and free places on a pool of their own: operators' reads are
    /// heavier than a guest's, and the back-office run showed them, sharing the readers' share, shedding
    /// one booking read in ten. Also how many run at once per replica, which bounds what they cost MariaDB.
    /// </summary>
    [Range(1, 20, ErrorMessage = "Database:BackOfficePoolSize must be between {1} and {2}.")]
    public int BackOfficePoolSize { get; set; } = 3;

    /// <summary>
    /// How long one statement of the outbox relay or the expiry sweep may run or wait for a lock. A
    /// stalled database (a global read lock for a backup) then hands their connections back within
    /// this and they try again later, instead of holding the background pool for the whole stall.
    /// </summary>
    [Range(1, 300, ErrorMessage = "Database:BackgroundStatementTimeoutSeconds must be between {1} and {2}.")]
    public int BackgroundStatementTimeoutSeconds { get; set; } = 2;

    /// <summary>
    /// How long a replica holds the lease of the work only one replica does at a time (the outbox relay,
    /// the expiry sweep) without renewing it: when the holder dies or freezes, another takes the work over
    /// after at most this long. It renews every third of it.
    /// </summary>
    [Range(3, 300, ErrorMessage = "Database:LeaseSeconds must be between {1} and {2}.")]
    public int LeaseSeconds { get; set; } = 10;

    public bool ApplySchemaOnStart { get; set; } = true;
}
