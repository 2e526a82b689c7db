using Platform.Topology.Files;

namespace Platform.Topology.Services;

/// <summary>
/// The trace viewer's three secrets (<see cref="TraceViewerService"/>), each a <see cref="Secrets.RandomKey"/>:
/// the browser token a login URL carries, the key exporters send with OTLP, and the key the telemetry API
/// wants. Separate, so that what every service holds (the OTLP key, in its environment) opens neither the UI
/// nor the telemetry it has sent.
/// </summary>
public sealed record TraceViewerKeys(string BrowserToken, string OtlpKey, string ApiKey)
{
    public const string BrowserTokenFile = "browser-token";
    public const string OtlpKeyFile = "otlp-key";
    public const string ApiKeyFile = "api-key";

    /// <summary>New keys, kept nowhere: a throwaway viewer's.</summary>
    public static TraceViewerKeys Random() => new(Secrets.RandomKey(), Secrets.RandomKey(), Secrets.RandomKey());

    /// <summary>The keys in <paramref name="directory"/>, each made once into its own file (0600) and reused ever after.</summary>
    public static TraceViewerKeys Ensure(string directory) => new(
        Secrets.EnsurePassword(Path.Combine(directory, BrowserTokenFile)),
        Secrets.EnsurePassword(Path.Combine(directory, OtlpKeyFile)),
        Secrets.EnsurePassword(Path.Combine(directory, ApiKeyFile)));

    /// <summary>Names them without their values: a failure message or a log never shows a key.</summary>
    public override string ToString() => "trace viewer keys (browser token, OTLP key, API key)";
}
