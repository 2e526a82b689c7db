using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Platform.Api.Database;
using Platform.Api.Observability;
using Platform.Contracts.Problems;
using Problem = Platform.Api.Problems.Problems;

namespace Platform.Api.Bulkheads;

/// <summary>
/// Reads and writes each get their own share of the request pool, as concurrency limiters of the
/// framework's rate-limiting middleware; anonymous guests' writes a smaller share inside the writers' (<see cref="WriteShares"/>). No queue: a request that finds its share taken is shed at
/// once with 503 rather than waiting for a connection it could not get within its deadline.
/// </summary>
public static class BulkheadSetup
{
    public const string ReadPolicy = "bulkhead-read";
    public const string WritePolicy = "bulkhead-write";
    public const string ExportPolicy = "bulkhead-export";
    public const string BackOfficePolicy = "bulkhead-back-office";

    public static WebApplicationBuilder AddBulkheads(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BulkheadOptions>().BindConfiguration(BulkheadOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Unset shares are taken from the pool they divide; set ones are kept as given and validated.
        builder.Services.AddOptions<BulkheadOptions>().PostConfigure<IOptions<DatabaseOptions>>((bulkheads, database) =>
        {
            var pool = database.Value.MaximumPoolSize;
            bulkheads.Writers ??= BulkheadOptions.DefaultWriters(pool);
            bulkheads.Readers ??= BulkheadOptions.DefaultReaders(pool, bulkheads.Writers.Value);
            bulkheads.AnonymousWriters ??= BulkheadOptions.DefaultAnonymousWriters(bulkheads.Writers.Value);
        });
        builder.Services.AddSingleton<IValidateOptions<BulkheadOptions>, BulkheadsFitThePool>();
        builder.Services.AddSingleton<WriteShares>();

        builder.Services.AddRateLimiter(limiter =>
        {
            // One partition per policy: a bulkhead is the replica's, not a client's.
            limiter.AddPolicy(ReadPolicy, context => Share(context, ReadPolicy, o => o.Readers!.Value));
            limiter.AddPolicy(WritePolicy, context => context.RequestServices.GetRequiredService<WriteShares>().Partition(context));
            // As many exports at once as the export pool has connections: one more would wait for one.
            limiter.AddPolicy(ExportPolicy, context => RateLimitPartition.GetConcurrencyLimiter(ExportPolicy, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = context.RequestServices.GetRequiredService<IOptions<DatabaseOptions>>().Value.ExportPoolSize,
                QueueLimit = 0,
            }));
            // The operators' requests are short and come in bursts (a hundred people clicking): as many again as
            // the share may wait for a slot, oldest first, each no longer than its deadline (the deadline
            // middleware runs before this one and bounds the wait); one more is shed.
            limiter.AddPolicy(BackOfficePolicy, context =>
            {
                var share = context.RequestServices.GetRequiredService<IOptions<DatabaseOptions>>().Value.BackOfficePoolSize;
                return RateLimitPartition.GetConcurrencyLimiter(BackOfficePolicy, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = share,
                    QueueLimit = share,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
            });
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.OnRejected = async (rejected, _) =>
            {
                var context = rejected.HttpContext;
                var workClass = context.GetEndpoint()?.Metadata.GetMetadata<WorkClass>() ?? WorkClass.Read;
                OverloadMetrics.CountShed(workClass, OverloadMetrics.Capacity);
                context.Response.Headers.RetryAfter = Problem.RetryAfter;
                if (workClass == WorkClass.Write && WriteShares.RefusedAsGuest(rejected.Lease))
                {
                    await Problem.WriteAsync(context.RequestServices.GetRequiredService<IProblemDetailsService>(), context,
                        StatusCodes.Status429TooManyRequests, ProblemTypes.AnonymousWritesBusy, "Anonymous writes busy",
                        $"This replica already works on as many writes of anonymous guests as it gives them; nothing was done. Retry after {Problem.RetryAfterSeconds} s, or book with an API key.");
                    return;
                }
                await Problem.WriteAsync(context.RequestServices.GetRequiredService<IProblemDetailsService>(), context,
                    StatusCodes.Status503ServiceUnavailable, ProblemTypes.TemporaryReducedCapacity, "Temporarily reduced capacity",
                    $"This replica is already working on as many {workClass.Label}s as it can finish in time; nothing was done. Retry after {Problem.RetryAfterSeconds} s.");
            };
        });
        return builder;
    }

    public static WebApplication UseBulkheads(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Share(HttpContext context, string policy, Func<BulkheadOptions, int> permits) =>
        RateLimitPartition.GetConcurrencyLimiter(policy, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = permits(context.RequestServices.GetRequiredService<IOptions<BulkheadOptions>>().Value),
            QueueLimit = 0,
        });

    /// <summary>
    /// Each share must fit in the request pool, checked at start with the keys named. Together they
    /// may exceed it: reads are short, so a few reads waiting for a connection still finish within
    /// their deadline. Only while Writers stays below the pool do stalled writes leave reads a connection.
    /// </summary>
    private sealed class BulkheadsFitThePool(IOptions<DatabaseOptions> database) : IValidateOptions<BulkheadOptions>
    {
        public ValidateOptionsResult Validate(string? name, BulkheadOptions options)
        {
            var pool = database.Value.MaximumPoolSize;
            var failures = new List<string>();
            if (options.Writers > pool)
                failures.Add($"Bulkheads:Writers ({options.Writers}) must not exceed Database:MaximumPoolSize ({pool}).");
            if (options.Readers > pool)
                failures.Add($"Bulkheads:Readers ({options.Readers}) must not exceed Database:MaximumPoolSize ({pool}).");
            if (options.AnonymousWriters > options.Writers)
                failures.Add($"Bulkheads:AnonymousWriters ({options.AnonymousWriters}) must not exceed Bulkheads:Writers ({options.Writers}).");
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
