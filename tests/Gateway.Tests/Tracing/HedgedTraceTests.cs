using System.Net;
using System.Text;
using Platform.Contracts.Http;
using Platform.Gateway.Tests.Proxy;
using Platform.Gateway.Tracing;
using Platform.Testing;
using Platform.Topology.Faults;

namespace Platform.Gateway.Tests.Tracing;

/// <summary>
/// A read sent to a frozen replica (SIGSTOP) is hedged, and its trace is kept although the gateway
/// samples nothing: the first attempt (to the frozen replica) and the copy as siblings, and the copy's
/// path through the replica that answered down to its statements. Its own platform: it freezes a replica.
/// </summary>
public sealed class HedgedTraceTests : GatewayTest
{
    private const int MaxReads = 30;

    /// <summary>How long the first kept trace may take to reach the viewer.</summary>
    private static readonly TimeSpan FirstKeptWithin = TimeSpan.FromSeconds(15);

    /// <summary>How much longer the others may take: the gateway exports a batch every 5 s at most.</summary>
    private static readonly TimeSpan OthersKeptWithin = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task A_hedged_read_is_kept_with_both_attempts_and_the_answering_replica_down_to_MariaDB()
    {
        RequiredServer.Locate("mariadbd");
        RequiredServer.Locate("redis-server");
        await using var viewer = await TraceViewer.StartAsync();
        await using var cluster = await ApiCluster.StartAsync(3, TracedPlatform.Exporting(viewer, 0));
        await using var gateway = await GatewayProcess.StartAsync(cluster.Replicas, TracedPlatform.Exporting(viewer, 0));
        var client = ClientFor(gateway);
        await CountReplicasAsync(client, 60); // every replica has answered enough reads to be judged by its races
        using var created = await PostReservationAsync(client, NewReservation(out _));
        var reservation = await ExpectAsync(created, HttpStatusCode.Created);
        var frozen = cluster.Replicas[1];

        var contexts = new List<(ClientTraceparent Context, string? AnsweredBy)>();
        using (await ProcessFreeze.BeginAsync(frozen.ProcessId, Cancellation))
        {
            // Round robin sends every third read to the frozen replica until it is ejected; each of those is hedged.
            for (var i = 0; i < MaxReads && contexts.Count(c => c.AnsweredBy != frozen.Id) < 9; i++)
            {
                var context = ClientTraceparent.New();
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reservations/{reservation["code"]}");
                context.AddTo(request);
                request.Headers.TryAddWithoutValidation(PlatformHeaders.ReservationSecret, (string)reservation["guestSecret"]!);
                using var response = await client.SendAsync(request, Cancellation);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                contexts.Add((context, ReplicaOf(response)));
            }
        }

        // Every kept gateway trace of these reads is a hedged one (nothing else was kept); at least one copy answered.
        // All looked for at once (one at a time, each read not kept cost a wait of its own: 15 s before the first kept one, 2 s after).
        var roots = await ClientTraceparent.KeptAsync(viewer, [.. contexts.Select(c => c.Context)], FirstKeptWithin, OthersKeptWithin);
        var hedged = 0;
        var copiesTracedDown = 0;
        foreach (var ((_, answeredBy), kept) in contexts.Zip(roots))
        {
            if (kept is not { } root)
                continue; // not hedged, so not kept

            // The copy's replica traces its part (the copy left sampled); the first attempt left before the trace was
            // kept, so when it wins, its replica's part is not in the trace. Each process exports in its own batches.
            var spans = await ViewerTraces.WaitForAsync(viewer, root.TraceId,
                spans => spans.Any(s => s.Name == "attempt first")
                    && spans.FirstOrDefault(s => s.Name == "attempt hedge") is { } hedge
                    && (hedge.Attribute("platform.destination") != answeredBy || spans.Any(s => s.Scope == "MySqlConnector")),
                "both attempts, and the statements of the copy's replica if it answered");
            Assert.Equal("GET", root.Attribute("http.request.method"));
            var first = Assert.Single(spans, s => s.Name == "attempt first");
            var copy = Assert.Single(spans, s => s.Name == "attempt hedge");
            Assert.Equal(AttemptSpans.SourceName, copy.Scope);
            Assert.Equal(root.SpanId, first.ParentSpanId);
            Assert.Equal(root.SpanId, copy.ParentSpanId);
            Assert.NotEqual(first.Attribute("platform.destination"), copy.Attribute("platform.destination"));
            hedged++;
            if (copy.Attribute("platform.destination") != answeredBy)
                continue;
            var send = Assert.Single(spans, s => s.Scope == "System.Net.Http" && s.ParentSpanId == copy.SpanId);
            var server = Assert.Single(spans, s => s.Service == "api" && s.Scope == "Microsoft.AspNetCore" && s.ParentSpanId == send.SpanId);
            Assert.Contains(spans, s => s.Scope == "MySqlConnector" && s.ParentSpanId == server.SpanId);
            copiesTracedDown++;
        }

        Assert.True(copiesTracedDown > 0,
            $"{hedged} of {contexts.Count} reads were kept as hedged, none answered by its copy; answered by {string.Join(",", contexts.Select(c => c.AnsweredBy))}");
    }
}
