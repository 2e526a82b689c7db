using System.Diagnostics;
using Platform.Gateway.Outliers;
using Polly;
using Polly.Hedging;
using Prometheus;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Hedging;

/// <summary>
/// Sits between YARP's forwarder and the socket handler. A request that is safe to repeat and has
/// not been answered after the hedge delay (the recent p95, while the budget lasts) or the per-try
/// timeout (always) is copied to another candidate replica; the first answer wins and the other
/// attempt is cancelled. Every answer is reported to the outlier detector.
/// </summary>
/// <remarks>
/// The race itself is Polly's hedging strategy. What Polly does not know, this supplies: which
/// replicas YARP would send to now (from the <see cref="HedgePlan"/>), the budget (Polly sends
/// every copy it is asked to; a copy refused by the budget still goes at the per-try timeout), and
/// how to copy a request whose body YARP streams. It works below YARP's forwarder because a copy
/// needs its own HTTP exchange and YARP's pipeline writes into the one client response.
/// </remarks>
public sealed class HedgingHandler : DelegatingHandler
{
    private static readonly Counter Hedges = Metrics.CreateCounter(
        "gateway_hedges_total",
        "Copies of safe requests sent because the destination was slow to answer: won (the copy answered first), lost (the original did), refused (the budget was spent; a copy still goes at the per-try timeout).",
        "cluster", "destination", "outcome");

    private static readonly Counter AttemptTimeouts = Metrics.CreateCounter(
        "gateway_upstream_attempt_timeouts_total",
        "Attempts that had not answered within the per-try timeout, so the request was also sent to another replica.",
        "cluster", "destination");

    private static readonly ResiliencePropertyKey<Attempt> AttemptKey = new("platform.attempt");
    private static readonly ResiliencePropertyKey<bool> IsCopyKey = new("platform.copy");

    private readonly string _cluster;
    private readonly HedgingOptions _options;
    private readonly OutlierDetector _outliers;
    private readonly HedgeBudget _budget;
    private readonly LatencyQuantile _reads;
    private readonly LatencyQuantile _writes;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public HedgingHandler(string cluster, HedgingOptions options, OutlierDetector outliers, HttpMessageHandler inner) : base(inner)
    {
        _cluster = cluster;
        _options = options;
        _outliers = outliers;
        _budget = new HedgeBudget(options.BudgetRatio, options.BudgetBurst);
        _reads = new LatencyQuantile(options.MinDelay);
        _writes = new LatencyQuantile(options.MinDelay);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddHedging(new HedgingStrategyOptions<HttpResponseMessage>
            {
                MaxHedgedAttempts = 1,
                // A failed attempt leaves the race to the other while that one is under way. The
                // original's failure before any copy was sent goes to YARP as it is, so SafeRetry
                // and passive health see it as they would without hedging; never both, or a
                // keyed create could reach one replica twice.
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is not null
                    && (args.Context.Properties.TryGetValue(IsCopyKey, out _)
                        || (args.Context.Properties.TryGetValue(AttemptKey, out var attempt) && attempt.CopyTo is not null))),
                DelayGenerator = static args => new ValueTask<TimeSpan>(args.Context.Properties.GetValue(AttemptKey, null!).HedgeDelay),
                ActionGenerator = static args => args.PrimaryContext.Properties.GetValue(AttemptKey, null!).Copy(args.ActionContext),
            })
            .Build();
    }

    public static void Publish(string cluster, string destination)
    {
        foreach (var outcome in (string[])["won", "lost", "refused"])
            Hedges.WithLabels(cluster, destination, outcome);
        AttemptTimeouts.WithLabels(cluster, destination);
    }

    public static void Unpublish(string cluster, string destination)
    {
        foreach (var outcome in (string[])["won", "lost", "refused"])
            Hedges.RemoveLabelled(cluster, destination, outcome);
        AttemptTimeouts.RemoveLabelled(cluster, destination);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(HedgePlan.Key, out var plan) || plan.Proxy.ProxiedDestination is not { } primary)
            return await base.SendAsync(request, cancellationToken);

        _budget.Deposit();
        var isRead = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        var quantile = isRead ? _reads : _writes;
        var started = Stopwatch.GetTimestamp();
        if (!_options.Enabled || !plan.SafeToRepeat || plan.Candidates.Count < 2)
        {
            var response = await base.SendAsync(request, cancellationToken);
            quantile.Add(Stopwatch.GetTimestamp() - started);
            ReportAnswer(isRead, response, primary, plan, started);
            return response;
        }

        var attempt = new Attempt(this, request, plan, primary, Clamp(quantile.P95));
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(AttemptKey, attempt);
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (context, attempt) =>
                {
                    try
                    {
                        return Outcome.FromResult(await attempt.Handler.SendOnAsync(attempt.Request, context.CancellationToken));
                    }
                    catch (Exception error)
                    {
                        return Outcome.FromException<HttpResponseMessage>(error);
                    }
                },
                context, attempt);
            outcome.ThrowIfException();
            var response = outcome.Result!;
            var elapsed = Stopwatch.GetTimestamp() - started;
            if (attempt.CopyTo is { } copy && !ReferenceEquals(response.RequestMessage, request))
            {
                Hedges.WithLabels(_cluster, primary.DestinationId, "won").Inc();
                // Credit the replica that answered: the request's metrics and passive health follow it.
                plan.Proxy.ProxiedDestination = copy;
                if ((int)response.StatusCode < 500)
                    _outliers.Beaten(_cluster, primary, plan.Proxy.AllDestinations);
            }
            else
            {
                if (attempt.CopyTo is not null)
                    Hedges.WithLabels(_cluster, primary.DestinationId, "lost").Inc();
                quantile.Add(elapsed);
                ReportAnswer(isRead, response, primary, plan, started);
            }
            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Only a read's successful answer tells how fast the replica itself is: a write's time is mostly
    /// the database's, shared by every replica, and an error's time is the deadline's or the pool's.
    /// Judged on everything, replicas failing together under a database stall (each a moment apart)
    /// were ejected one after another.
    /// </summary>
    private void ReportAnswer(bool isRead, HttpResponseMessage response, DestinationState primary, HedgePlan plan, long started)
    {
        if (isRead && (int)response.StatusCode < 500)
            _outliers.Answered(_cluster, primary, plan.Proxy.AllDestinations, Stopwatch.GetElapsedTime(started));
    }

    private Task<HttpResponseMessage> SendOnAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private TimeSpan Clamp(TimeSpan p95) =>
        p95 < _options.MinDelay ? _options.MinDelay : p95 > _options.PerTryTimeout ? _options.PerTryTimeout : p95;

    /// <summary>One safe request's race: the original attempt, and at most one copy to another candidate.</summary>
    private sealed class Attempt(HedgingHandler handler, HttpRequestMessage request, HedgePlan plan, DestinationState primary, TimeSpan hedgeDelay)
    {
        public HedgingHandler Handler { get; } = handler;
        public HttpRequestMessage Request { get; } = request;
        public TimeSpan HedgeDelay { get; } = hedgeDelay;

        /// <summary>Where the copy went, once it was sent.</summary>
        public DestinationState? CopyTo => Volatile.Read(ref _copyTo);

        private DestinationState? _copyTo;

        /// <summary>Called by Polly when the hedge delay has passed with no answer.</summary>
        public Func<ValueTask<Outcome<HttpResponseMessage>>>? Copy(ResilienceContext copyContext)
        {
            var target = PickOther();
            if (target?.Model is null)
                return null;
            copyContext.Properties.Set(IsCopyKey, true);
            var budgeted = Handler._budget.TryWithdraw();
            if (!budgeted)
                Hedges.WithLabels(Handler._cluster, primary.DestinationId, "refused").Inc();
            var wait = budgeted ? TimeSpan.Zero : Handler._options.PerTryTimeout - HedgeDelay;
            return () => SendCopyAsync(target, wait, copyContext.CancellationToken);
        }

        private async ValueTask<Outcome<HttpResponseMessage>> SendCopyAsync(DestinationState target, TimeSpan wait, CancellationToken cancellationToken)
        {
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                    AttemptTimeouts.WithLabels(Handler._cluster, primary.DestinationId).Inc();
                }
                Volatile.Write(ref _copyTo, target);
                // Not disposed here: the winning response refers to it.
                return Outcome.FromResult(await Handler.SendOnAsync(CopyFor(target), cancellationToken));
            }
            catch (Exception error)
            {
                return Outcome.FromException<HttpResponseMessage>(error);
            }
        }

        private DestinationState? PickOther()
        {
            var others = plan.Candidates.Count - 1;
            if (others < 1)
                return null;
            // Any other candidate; spread so that copies from one slow replica do not all land on one peer.
            var skip = Random.Shared.Next(others);
            foreach (var candidate in plan.Candidates)
            {
                if (ReferenceEquals(candidate, primary))
                    continue;
                if (skip-- == 0)
                    return candidate;
            }
            return null;
        }

        private HttpRequestMessage CopyFor(DestinationState target)
        {
            // YARP appends the request's path and query to the destination's address (and its path, if any).
            var prefix = new Uri(primary.Model.Config.Address).AbsolutePath.TrimEnd('/');
            var rest = Request.RequestUri!.PathAndQuery[prefix.Length..];
            var copy = new HttpRequestMessage(Request.Method, new Uri(target.Model!.Config.Address.TrimEnd('/') + rest))
            {
                Version = Request.Version,
                VersionPolicy = Request.VersionPolicy,
            };
            foreach (var header in Request.Headers)
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            if (plan.Body is { } body)
            {
                copy.Content = new ByteArrayContent(body);
                if (Request.Content is { } content)
                {
                    foreach (var header in content.Headers)
                    {
                        if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                            copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }
            }
            return copy;
        }
    }
}
