using Platform.Gateway.Door;
using Platform.Gateway.Identity;
using Platform.Gateway.Identity.FailedAuthentication;
using Platform.Gateway.Observability;
using Platform.Gateway.Problems;
using Platform.Gateway.Proxy;
using Platform.Gateway.RateLimiting;
using Platform.Gateway.Tls;
using Platform.Gateway.Tracing;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayObservability(); // /metrics on the management port: durations per route and destination, upstream health
builder.AddGatewayTracing();       // OpenTelemetry when a collector is named: a span per request and per attempt, 1 % sampled, failures kept
builder.AddProblemResponses();     // problem+json for everything the gateway itself answers (400, 401, 404, 413, 429, 502-504)
builder.AddClientIdentity();       // who calls: API key (hashed, reloadable) or anonymous; the signed X-Client-Identity header
builder.AddFailedAuthenticationLockout(); // unknown keys and wrong guest secrets count against the address; past a threshold, 429
builder.AddClientRateLimiting();   // per-client buckets (the client's tier, or the trusted-proxy IP), lock-free
builder.AddProxy();                // YARP: /api/** round robin over healthy replicas, DNS destinations, one safe retry
builder.AddGatewayTls();           // HTTPS (HTTP/1.1, HTTP/2) on its own port from PEM files reloaded on change; HSTS

var app = builder.Build();

// Order matters. Forwarded headers first, so the client IP and scheme are settled before anything reads them;
// HSTS next, so every answer over HTTPS carries it, problems included;
// problems and metrics next, so every answer (400s, 401s, 429s and 503s included) is shaped and timed;
// the door next, so a header no replica could be sent never reaches identity, the limiter or YARP;
// routing before identity and the limiter, so only proxied routes are identified and a YARP route's
// RateLimiterPolicy is known when the bucket is chosen; identity before the limiter, which charges
// the caller it settled.
app.UseTrustedForwardedHeaders();
app.UseGatewayHsts();
app.UseProblemResponses();
app.UseGatewayObservability();
app.UseForwardableHeaders();       // 400 for a header the forwarder cannot send, before it can count against a replica
app.UseClientTraceContext();       // a client's traceparent is linked, never a parent; trace headers and baggage never forwarded
app.UseRouting();
app.UseFailedAuthenticationLockout(); // before identity: an address out of failures is refused unless its key is valid
app.UseClientIdentity();           // always on: 400 for a key in the URL, 401 for an unknown key, else signs
app.UseClientRateLimiting();
app.MapProxy();                    // /api/** to the replicas; anything else is a 404 problem

app.Run();

/// <summary>Entry point, visible to tests that host the gateway in-process.</summary>
public partial class Program;
