namespace Platform.Gateway.Identity.FailedAuthentication;

/// <summary>
/// The <c>FailedAuthentication</c> section: how many failed authentications an address may make
/// before it is refused, and how fast they are forgiven. Checked at start-up by
/// <see cref="FailedAuthenticationOptionsValidator"/>.
/// </summary>
public sealed class FailedAuthenticationOptions
{
    public const string Section = "FailedAuthentication";

    /// <summary>Off: failed authentications are counted but never refused.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Failures an address may make in a row before it is refused (the bucket's burst).</summary>
    public int Threshold { get; set; } = 20;

    /// <summary>How long an address takes to earn the whole <see cref="Threshold"/> back; one failure is forgiven every Cooldown ÷ Threshold.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Addresses remembered; over it, new addresses share one failure bucket.</summary>
    public int MaxAddresses { get; set; } = 100_000;
}
