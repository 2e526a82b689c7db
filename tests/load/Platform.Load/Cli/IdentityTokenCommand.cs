using System.Globalization;
using Platform.Identity;

namespace Platform.Load.Cli;

/// <summary>
/// <c>Platform.Load identity-token KEY-FILE CLIENT SCOPES METHOD PATH</c>: prints the
/// <c>X-Client-Identity</c> value the gateway would send for that request now, so the wrk
/// benchmarks can call a replica directly as a client (valid for Identity:MaxAge, 30 s: mint one per
/// wrk run). Signed by the token's one definition, api/Identity/IdentityToken.cs.
/// </summary>
public static class IdentityTokenCommand
{
    public const string Name = "identity-token";

    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count != 5)
        {
            Console.Error.WriteLine($"usage: Platform.Load {Name} KEY-FILE CLIENT SCOPES METHOD PATH");
            return Arguments.UsageError;
        }
        if (!IdentityToken.TryReadKeyFile(args[0], out var key, out var problem))
        {
            Console.Error.WriteLine($"error: {problem}");
            return 1;
        }
        Console.WriteLine(IdentityToken.Sign(key, args[1], args[2],
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), args[3].ToUpper(CultureInfo.InvariantCulture), args[4]));
        return 0;
    }
}
