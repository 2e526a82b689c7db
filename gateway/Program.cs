using Platform.Gateway.Observability;
using Platform.Gateway.Problems;
using Platform.Gateway.Proxy;
using Platform.Gateway.RateLimiting;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayObservability(); // /metrics on the management port: durations per route and destination, upstream health
builder.AddProblemResponses();     // problem+json for everything the gateway itself answers (401, 404, 413, 429, 502-504)
builder.AddClientRateLimiting();   // client identity (API key or trusted-proxy IP) and the lock-free token buckets
builder.AddProxy();                // YARP: /api/** round robin over healthy replicas, DNS destinations, one safe retry

var app = builder.Build();

// Order matters. Forwarded headers first, so the client IP is settled before anything reads it;
// problems and metrics next, so every answer (429s and 503s included) is shaped and timed; routing
// before the limiter, so a YARP route's RateLimiterPolicy is known when the bucket is chosen.
app.UseTrustedForwardedHeaders();
app.UseProblemResponses();
app.UseGatewayObservability();
app.UseRouting();
app.UseClientRateLimiting();
app.MapProxy();                    // /api/** to the replicas; anything else is a 404 problem

app.Run();

/// <summary>Entry point, visible to tests that host the gateway in-process.</summary>
public partial class Program;
