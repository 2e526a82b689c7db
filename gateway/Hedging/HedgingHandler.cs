using System.Diagnostics;
using Platform.Contracts.Tracing;
using Platform.Gateway.Outliers;
using Platform.Gateway.Tracing;
using Prometheus;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Hedging;

/// <summary>
/// Sits between YARP's forwarder and the socket handler. A request that is safe to repeat and has
/// not been answered after the hedge delay (the recent p95, while the budget lasts) or the per-try
/// timeout (always) is copied to another candidate replica; the first answer wins and the other
/// attempt is cancelled. Every answer is reported to the outlier detector. A bulk transfer
/// (<see cref="Proxy.BulkRoutes"/>) is passed through untouched: no copy, no budget, no sample.
/// </summary>
/// <remarks>
/// Besides the race, this supplies what neither YARP nor a resilience library knows: which replicas
/// YARP would send to now (from the <see cref="HedgePlan"/>), the budget (a copy refused by it still
/// goes at the per-try timeout), and how to copy a request whose body YARP streams. It works below
/// YARP's forwarder because a copy needs its own HTTP exchange and YARP's pipeline writes into the
/// one client response.
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

    private readonly string _cluster;
    private readonly HedgingOptions _options;
    private readonly OutlierDetector _outliers;
    private readonly HedgeBudget _budget;
    private readonly LatencyQuantile _reads;
    private readonly LatencyQuantile _writes;

    public HedgingHandler(string cluster, HedgingOptions options, OutlierDetector outliers, HttpMessageHandler inner) : base(inner)
    {
        _cluster = cluster;
        _options = options;
        _outliers = outliers;
        _budget = new HedgeBudget(options.BudgetRatio, options.BudgetBurst);
        _reads = new LatencyQuantile(options.MinDelay);
        _writes = new LatencyQuantile(options.MinDelay);
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
            return await SendOnAsync(request, null, AttemptSpans.First, cancellationToken);

        if (plan.Bulk)
            return await SendOnAsync(request, primary, AttemptSpans.First, cancellationToken);

        _budget.Deposit();
        var isRead = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        var quantile = isRead ? _reads : _writes;
        var started = Stopwatch.GetTimestamp();
        if (!_options.Enabled || !plan.SafeToRepeat || plan.Candidates.Count < 2)
        {
            var response = await SendOnAsync(request, primary, AttemptSpans.First, cancellationToken);
            if (TellsSpeed(response))
                quantile.Add(Stopwatch.GetTimestamp() - started);
            ReportAnswer(isRead, response, primary, plan, started);
            return response;
        }

        var race = new Race(this, request, plan, primary);
        var answer = await race.RunAsync(Clamp(quantile.P95), cancellationToken);
        var elapsed = Stopwatch.GetTimestamp() - started;
        if (race.CopyTo is { } copy && race.CopyWon)
        {
            Hedges.WithLabels(_cluster, primary.DestinationId, "won").Inc();
            // Credit the replica that answered: the request's metrics and passive health follow it.
            plan.Proxy.ProxiedDestination = copy;
            if (TellsSpeed(answer))
                _outliers.Beaten(_cluster, primary, plan.Proxy.AllDestinations);
        }
        else
        {
            if (race.CopyTo is not null)
                Hedges.WithLabels(_cluster, primary.DestinationId, "lost").Inc();
            if (TellsSpeed(answer))
                quantile.Add(elapsed);
            ReportAnswer(isRead, answer, primary, plan, started);
        }
        return answer;
    }

    /// <summary>
    /// Whether an answer says how fast the replica serves: a success. An error's time is the
    /// deadline's or the pool's, and a 4xx's is the client's to choose: a client sending requests the
    /// replica refuses at once (an unknown method, headers over its limits, a guessed path) would
    /// otherwise pull the hedge delay down to its floor and feed the outlier detector samples it
    /// picked, and so could get a healthy replica beaten by its own copies and ejected.
    /// </summary>
    private static bool TellsSpeed(HttpResponseMessage response) => (int)response.StatusCode < 400;

    /// <summary>
    /// Only a read's successful answer tells how fast the replica itself is: a write's time is mostly
    /// the database's, shared by every replica, and an error's or a refusal's is not the replica's (<see cref="TellsSpeed"/>).
    /// Judged on everything, replicas failing together under a database stall (each a moment apart)
    /// were ejected one after another.
    /// </summary>
    private void ReportAnswer(bool isRead, HttpResponseMessage response, DestinationState primary, HedgePlan plan, long started)
    {
        if (isRead && TellsSpeed(response))
            _outliers.Answered(_cluster, primary, plan.Proxy.AllDestinations, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One attempt, in its own span (<see cref="AttemptSpans"/>): every send to a replica passes here.</summary>
    private Task<HttpResponseMessage> SendOnAsync(HttpRequestMessage request, DestinationState? destination, string role, CancellationToken cancellationToken) =>
        AttemptSpans.Enabled ? TracedAsync(request, destination, role, cancellationToken) : base.SendAsync(request, cancellationToken);

    // Async, so the attempt is the current span only within it: the next attempt is its sibling, not its child.
    private async Task<HttpResponseMessage> TracedAsync(HttpRequestMessage request, DestinationState? destination, string role, CancellationToken cancellationToken)
    {
        var startedAt = DateTime.UtcNow;
        var attempt = AttemptSpans.Start(destination, role);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            AttemptSpans.Stop(attempt, startedAt, destination, role, response, null);
            return response;
        }
        catch (Exception error)
        {
            AttemptSpans.Stop(attempt, startedAt, destination, role, null, error);
            throw;
        }
    }

    private TimeSpan Clamp(TimeSpan p95) =>
        p95 < _options.MinDelay ? _options.MinDelay : p95 > _options.PerTryTimeout ? _options.PerTryTimeout : p95;

    /// <summary>
    /// One safe request's race: the original attempt, and at most one copy to another candidate.
    /// </summary>
    /// <remarks>
    /// Written by hand rather than with Polly's hedging strategy, which this handler used first: for
    /// the usual request, answered before any copy is due, Polly's race (a resilience context, a
    /// pooled execution with its own linked token source and task per attempt, a timer, telemetry)
    /// was the largest of our own shares of the gateway's CPU, 7.0 % of its samples against 3.2 %
    /// for this race (docs/benchmarks/gateway-cost.md). Here that request costs one linked token
    /// source and one timed wait on its own task.
    /// </remarks>
    private sealed class Race(HedgingHandler handler, HttpRequestMessage request, HedgePlan plan, DestinationState primary)
    {
        /// <summary>Where the copy went, once it was sent.</summary>
        public DestinationState? CopyTo { get; private set; }

        /// <summary>Whether the answer returned is the copy's.</summary>
        public bool CopyWon { get; private set; }

        public async Task<HttpResponseMessage> RunAsync(TimeSpan hedgeDelay, CancellationToken cancellationToken)
        {
            var original = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var first = handler.SendOnAsync(request, primary, AttemptSpans.First, original.Token);
            // The original's answer or failure before any copy goes out is YARP's to handle as it
            // is (SafeRetry after a refused connection, passive health), so a keyed create never
            // reaches one replica from both this race and a retry.
            if (!await StillUnanswered(first, hedgeDelay, cancellationToken) || PickOther() is not { Model: not null } target)
                return await Finish(first, original);

            var budgeted = handler._budget.TryWithdraw();
            if (!budgeted)
            {
                Hedges.WithLabels(handler._cluster, primary.DestinationId, "refused").Inc();
                // Out of budget, the copy still goes at the per-try timeout.
                if (!await StillUnanswered(first, handler._options.PerTryTimeout - hedgeDelay, cancellationToken))
                    return await Finish(first, original);
                AttemptTimeouts.WithLabels(handler._cluster, primary.DestinationId).Inc();
            }

            CopyTo = target;
            // A hedged request's trace is kept, here and (through the copy's sampled flag) at the replica.
            KeptTraces.Keep(Activity.Current);
            var copySource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Not disposed here: the winning response refers to it.
            var copy = handler.SendOnAsync(CopyFor(target), target, AttemptSpans.Hedge, copySource.Token);
            var winner = await Task.WhenAny(first, copy);
            // A failed attempt leaves the race to the other while that one is under way.
            if (!winner.IsCompletedSuccessfully)
            {
                var other = ReferenceEquals(winner, first) ? copy : first;
                await ((Task)other).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (other.IsCompletedSuccessfully)
                    winner = other;
            }
            CopyWon = ReferenceEquals(winner, copy);
            Abandon(CopyWon ? first : copy, CopyWon ? original : copySource);
            return await Finish(winner, CopyWon ? copySource : original);
        }

        /// <summary>
        /// Whether the original is still unanswered after the wait and the request's own deadline has
        /// not passed; false means there is nothing left to race.
        /// </summary>
        private static async ValueTask<bool> StillUnanswered(Task<HttpResponseMessage> first, TimeSpan wait, CancellationToken cancellationToken)
        {
            if (!first.IsCompleted && wait > TimeSpan.Zero)
                await ((Task)first).WaitAsync(wait, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return !first.IsCompleted && !cancellationToken.IsCancellationRequested;
        }

        private static async Task<HttpResponseMessage> Finish(Task<HttpResponseMessage> attempt, CancellationTokenSource source)
        {
            try
            {
                return await attempt;
            }
            finally
            {
                // Never cancelled once answered: the response's body is still to be read.
                source.Dispose();
            }
        }

        /// <summary>The loser is cancelled, and its answer, should it still come, is disposed.</summary>
        private static void Abandon(Task<HttpResponseMessage> loser, CancellationTokenSource source)
        {
            source.Cancel();
            _ = loser.ContinueWith(static (attempt, source) =>
            {
                if (attempt.IsCompletedSuccessfully)
                    attempt.Result.Dispose();
                ((CancellationTokenSource)source!).Dispose();
            }, source, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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
            var rest = request.RequestUri!.PathAndQuery[prefix.Length..];
            var copy = new HttpRequestMessage(request.Method, new Uri(target.Model!.Config.Address.TrimEnd('/') + rest))
            {
                Version = request.Version,
                VersionPolicy = request.VersionPolicy,
            };
            foreach (var header in request.Headers)
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            if (plan.Body is { } body)
            {
                copy.Content = new ByteArrayContent(body);
                if (request.Content is { } content)
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
