using Platform.Api.Accommodations;
using Platform.Api.BackOffice;
using Platform.Api.Bulkheads;
using Platform.Api.Database;
using Platform.Api.Deadlines;
using Platform.Api.Health;
using Platform.Api.Identity;
using Platform.Api.Observability;
using Platform.Api.Outbox;
using Platform.Api.Problems;
using Platform.Api.Reports;
using Platform.Api.Reservations;
using Platform.Api.Tracing;

var builder = WebApplication.CreateBuilder(args);

builder.AddObservability();     // replica id, X-Replica, /metrics on the management port
builder.AddApiTracing();        // OpenTelemetry when a collector is named: server, statement and Redis spans, 1 % sampled by the gateway
builder.AddProblemResponses();  // problem+json for every failure; 503 + Retry-After when the database is out of reach
builder.AddDatabase();          // request and background pools, schema migrations, readiness check
builder.AddDeadlines();         // X-Request-Deadline bounds every read and write; stale requests get 504 at once
builder.AddBulkheads();         // reads and writes each hold only their share of the pool; beyond it, 503 at once
builder.AddIdentity();          // X-Client-Identity signed by the gateway: who calls, with which scopes (docs/identity.md)
builder.AddReservations();      // accommodation catalog, insert-first writer, transitions, expiry sweep
builder.AddOutbox();            // relay from the outbox table to the Redis stream
builder.AddBackOffice();        // operators' search, export and free places over every client's reservations (admin scope)
builder.AddReports();           // occupancy, revenue and totals by status and channel, computed once per short TTL
builder.AddDraining();          // on SIGTERM: not ready at once, still serving for Shutdown:DrainDelay, then stop
builder.Services.AddHttpContextAccessor();
builder.Services.AddOpenApi(options => options.AddDocumentTransformer<Platform.Api.OpenApi.ClientFacingServers>()); // servers: where the client called (https through the TLS port)
// Kestrel:Limits from configuration: a body over MaxRequestBodySize (64 KiB) is a 413 problem. No Server header.
builder.WebHost.ConfigureKestrel((context, kestrel) =>
{
    kestrel.AddServerHeader = false;
    context.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
});

var app = builder.Build();

// Order matters: observability first, so every response (problems included) carries X-Replica and
// is timed; then problem handling, so whatever an endpoint throws becomes problem+json. Identity
// before deadlines and bulkheads: a caller that is nobody (401) or lacks the scope (403) is refused
// for the cost of one HMAC, is never given a deadline and never takes a slot, so direct calls to a
// replica's port cannot crowd out the gateway's. Deadlines before bulkheads: a request that is
// already late or malformed never takes a slot.
app.UseObservability();
app.UseProblemResponses();
app.UseDraining();
app.UseIdentity();
app.UseDeadlines();
app.UseBulkheads();

app.MapHealth();
app.MapReservations();
app.MapAccommodations();
app.MapBackOffice();
app.MapReports();
app.MapOpenApi("/api/v1/openapi.json");

app.Run();

/// <summary>Entry point, visible to tests that host the API in-process.</summary>
public partial class Program;
