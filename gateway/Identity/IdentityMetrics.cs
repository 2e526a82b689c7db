using Prometheus;

namespace Platform.Gateway.Identity;

/// <summary>
/// Identity on /metrics: refusals per client (an operator sees a misconfigured or revoked key by its
/// client's name; names are not personal data, and the label's values are bounded by the configured
/// clients, <c>anonymous</c> and <c>unknown</c>), unknown keys, and reloads of the clients.
/// </summary>
internal sealed class IdentityMetrics
{
    private readonly Counter _denials = Metrics.CreateCounter("gateway_client_denials_total",
        "Proxied requests answered 401, 403 or 404, by client (configured name, anonymous, or unknown for a key that names no client) and status code.",
        "client", "code");

    private readonly Counter _reloads = Metrics.CreateCounter("gateway_identity_reloads_total",
        "Changes of the identity clients read from configuration: applied, or refused whole because they failed validation (the previous clients stay).",
        "outcome");

    private readonly Counter _unknownKeys = Metrics.CreateCounter(
        "gateway_ratelimit_unknown_api_keys_total", "Requests refused with 401 because their X-Api-Key is not a known client.");

    private readonly Denials _unknown;

    public IdentityMetrics()
    {
        _reloads.WithLabels("applied");
        _reloads.WithLabels("refused");
        _unknown = DenialsOf(IdentityOptionsValidator.UnknownClient);
    }

    /// <summary>A client's three series, created (at 0) when its clients are loaded, so counting is a field read.</summary>
    public Denials DenialsOf(string client) => new(
        _denials.WithLabels(client, "401"), _denials.WithLabels(client, "403"), _denials.WithLabels(client, "404"));

    public void CountUnknownKey()
    {
        _unknownKeys.Inc();
        _unknown.Count(StatusCodes.Status401Unauthorized);
    }

    public void CountReload(bool applied) => _reloads.WithLabels(applied ? "applied" : "refused").Inc();

    internal sealed class Denials(Counter.Child unauthorized, Counter.Child forbidden, Counter.Child notFound)
    {
        public void Count(int status)
        {
            switch (status)
            {
                case StatusCodes.Status401Unauthorized:
                    unauthorized.Inc();
                    break;
                case StatusCodes.Status403Forbidden:
                    forbidden.Inc();
                    break;
                case StatusCodes.Status404NotFound:
                    notFound.Inc();
                    break;
                default:
                    break;
            }
        }
    }
}
