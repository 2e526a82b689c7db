using Prometheus;

namespace Platform.Gateway.Identity.FailedAuthentication;

/// <summary>Failed authentications and the lockouts they cause, on /metrics, copied from plain counters at scrape.</summary>
internal sealed class FailedAuthenticationMetrics
{
    public FailedAuthenticationMetrics(FailedAuthentications failures)
    {
        var failed = Metrics.CreateCounter("gateway_failed_authentications_total",
            "Failed authentications counted against the caller's address: unknown X-Api-Key (the gateway's 401) and wrong guest secrets (a replica's 401/404 to an anonymous request carrying X-Reservation-Secret).");
        var lockouts = Metrics.CreateCounter("gateway_failed_authentication_lockouts_total",
            "Requests refused 429 too-many-failed-authentications because their address had spent its failures.");
        var addresses = Metrics.CreateGauge("gateway_failed_authentication_addresses",
            "Addresses with failed authentications not yet forgiven (capped by FailedAuthentication:MaxAddresses).");
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            failed.IncTo(failures.FailureCount);
            lockouts.IncTo(failures.LockoutCount);
            addresses.Set(failures.Table.AddressCount);
        });
    }
}
