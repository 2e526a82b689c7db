using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Topology;
using Platform.Topology.Files;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>issue-key CLIENT --policy TIER --scope SCOPE...</c>: generates a client key (32 random bytes,
/// base64url), prints it once on stdout, and stores only its SHA-256 in the gateway's watched clients
/// file, which the running gateway reloads within a second. <c>--rotate</c> gives an existing client
/// a new key and keeps the old one working (as <c>PreviousSha256</c>) while its users move.
/// </summary>
public static class IssueKeyCommand
{
    public const string Name = "issue-key";

    public static Command Create()
    {
        var client = new Argument<string>("CLIENT") { Description = "the client's name: 1-64 of A-Z a-z 0-9 _ -" };
        var policy = new Option<string>("--policy") { Description = "the client's rate-limit tier, one of the gateway's RateLimiting:Policies (standard, premium)", Required = true };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "a scope to grant (repeat it): " + string.Join(", ", GatewayClientsFile.AllowedScopes),
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var rotate = new Option<bool>("--rotate") { Description = "give an existing client a new key; its old key keeps working until the next rotation" };
        var command = new Command(Name, "generate a client API key, print it once and store only its SHA-256 in the gateway's clients file")
        {
            client, policy, scopes, rotate,
        };
        command.SetAction(parse =>
        {
            var settings = CliHost.Settings();
            var key = Issue(settings.Layout.ClientsFile, parse.GetValue(client)!, parse.GetValue(policy)!, parse.GetValue(scopes) ?? [], parse.GetValue(rotate));
            Console.Error.WriteLine($"==> {parse.GetValue(client)} may call with this X-Api-Key; it is shown once and stored nowhere, only its SHA-256 is (in {settings.Layout.ClientsFile}):");
            Console.Out.WriteLine(key);
            return 0;
        });
        return command;
    }

    /// <summary>Checks the request, writes the client's digest into <paramref name="clientsFile"/>, and returns the new key.</summary>
    /// <exception cref="UsageException">The name, policy or scopes cannot be issued.</exception>
    public static string Issue(string clientsFile, string name, string policy, IReadOnlyList<string> scopes, bool rotate)
    {
        if (!GatewayClientsFile.IsValidName(name))
        {
            throw new UsageException($"the client name '{name}' must be 1-64 of A-Z a-z 0-9 _ -");
        }
        if (GatewayClientsFile.ReservedNames.Contains(name, StringComparer.Ordinal) || name.StartsWith(BenchClients.IdPrefix, StringComparison.Ordinal))
        {
            throw new UsageException($"the client name '{name}' is reserved ({string.Join(", ", GatewayClientsFile.ReservedNames)} and {BenchClients.IdPrefix}* belong to the platform)");
        }
        var policies = Policies();
        if (!policies.Contains(policy, StringComparer.Ordinal))
        {
            throw new UsageException($"--policy '{policy}' is not a tier of the gateway; use one of {string.Join(", ", policies)}");
        }
        if (scopes.Count == 0)
        {
            throw new UsageException($"give at least one --scope: {string.Join(", ", GatewayClientsFile.AllowedScopes)}");
        }
        foreach (var scope in scopes)
        {
            if (!GatewayClientsFile.AllowedScopes.Contains(scope, StringComparer.Ordinal))
            {
                throw new UsageException($"--scope '{scope}' is not a scope; use {string.Join(", ", GatewayClientsFile.AllowedScopes)}");
            }
        }

        var clients = GatewayClientsFile.ReadClients(clientsFile);
        string? previous = null;
        if (clients[name] is JsonObject existing)
        {
            if (!rotate)
            {
                throw new UsageException($"client '{name}' already has a key; add --rotate to issue a new one (the old one keeps working until the next rotation)");
            }
            previous = existing["Sha256"]?.GetValue<string>();
        }
        else if (rotate)
        {
            throw new UsageException($"client '{name}' has no key to rotate; leave out --rotate to issue its first");
        }

        var key = GatewayClientsFile.NewKey();
        clients[name] = GatewayClientsFile.Entry(GatewayClientsFile.Digest(key), previous, policy, scopes.Distinct(StringComparer.Ordinal));
        GatewayClientsFile.Write(clientsFile, clients);
        return key;
    }

    /// <summary>The gateway's tiers an API client may have: its configured policies but <c>anonymous</c>, and the bench's load-test tier.</summary>
    private static List<string> Policies()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("gateway", "appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var names = settings.RootElement.GetProperty("RateLimiting").GetProperty("Policies").EnumerateObject()
            .Select(policy => policy.Name).Where(name => name != "anonymous").ToList();
        names.Add(BenchClients.LoadTestPolicy);
        return names;
    }
}

/// <summary>A misuse of a command's arguments: <c>error:</c> and exit 64, as the parser's own.</summary>
public sealed class UsageException(string message) : Exception(message);
