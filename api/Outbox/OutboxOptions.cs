using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Outbox;

/// <summary>The <c>Outbox</c> section: how events leave the database for the Redis stream.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Outbox:Stream must not be empty.")]
    public string Stream { get; set; } = "reservations.events";

    /// <summary>How often an idle relay looks for new events.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Outbox:PollInterval must be between {1} and {2}.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(1, 1000, ErrorMessage = "Outbox:BatchSize must be between {1} and {2}.")]
    public int BatchSize { get; set; } = 100;

    /// <summary>Published events are deleted from the table after this long.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00", ErrorMessage = "Outbox:RetainPublishedFor must be between {1} and {2}.")]
    public TimeSpan RetainPublishedFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The stream is trimmed (approximately) to this many entries.</summary>
    [Range(1000, 100_000_000, ErrorMessage = "Outbox:StreamMaxLength must be between {1} and {2}.")]
    public int StreamMaxLength { get; set; } = 1_000_000;
}

/// <summary>The <c>Redis</c> section.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Redis:Configuration is required (environment: Redis__Configuration).")]
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>
    /// A file holding the Redis user's password (compose mounts it as a secret), for a configuration that
    /// names the user but not its password; empty: the configuration's own.
    /// </summary>
    public string PasswordFile { get; set; } = "";
}
