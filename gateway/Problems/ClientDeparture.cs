using Microsoft.AspNetCore.Connections;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Gateway.Problems;

/// <summary>
/// Whether a request failed because its client went away: nobody to answer, and nothing a replica
/// or the gateway did wrong, so it is counted as 499 and never reaches the 5xx alerts.
/// </summary>
/// <remarks>
/// Three signs, any of which may come first: Kestrel signals <c>RequestAborted</c> from the thread
/// pool, a moment after a read of the client's connection has already thrown
/// <see cref="ConnectionResetException"/> (seen in CI as a 500 for a body the client reset) and
/// after YARP has seen the client's side fail and set its 502.
/// </remarks>
public static class ClientDeparture
{
    public static bool Seen(HttpContext context, Exception? error = null) =>
        context.RequestAborted.IsCancellationRequested
        || error is ConnectionResetException or ConnectionAbortedException
        || context.Features.Get<IForwarderErrorFeature>()?.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
            or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient;
}
