using System.Globalization;
using Platform.Contracts.Identity;

namespace Platform.Load.Cli;

/// <summary>
/// <c>Platform.Load identity-token KEY-FILE SCOPES METHOD PATH [CLIENT]</c>: prints the
/// <c>X-Client-Identity</c> value the gateway would send for that request now (for CLIENT, by default the
/// bench's load client), so the wrk
/// benchmarks can call a replica directly as a client (valid for Identity:MaxAge, 30 s: mint one per
/// wrk run). Signed by the token's one definition, contracts/Identity/IdentityToken.cs. The header is bound
/// to the request's body and Idempotency-Key too, so this one is valid only for requests without
/// either (reads); a create needs a header per body, which the gateway signs.
/// </summary>
public static class IdentityTokenCommand
{
    public const string Name = "identity-token";

    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count is not (4 or 5))
        {
            Console.Error.WriteLine($"usage: Platform.Load {Name} KEY-FILE SCOPES METHOD PATH [CLIENT]");
            return Arguments.UsageError;
        }
        if (!IdentityToken.TryReadKeyFile(args[0], out var key, out var problem))
        {
            Console.Error.WriteLine($"error: {problem}");
            return 1;
        }
        Console.WriteLine(Sign(key, args[1], args[2], args[3], args.Count == 5 ? args[4] : null));
        return 0;
    }

    /// <summary>The header for that request now, as CLIENT (by default the bench's load client).</summary>
    public static string Sign(byte[] key, string scopes, string method, string path, string? client = null)
    {
        client ??= Platform.Topology.Files.BenchClients.ClientId(Platform.Topology.Files.BenchClients.Load);
        return IdentityToken.Sign(key, new IdentityClaims(client, scopes, client, HoldLimits.None.Format()),
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), new SignedRequest(method.ToUpper(CultureInfo.InvariantCulture), path));
    }
}
