using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Contracts.Identity;

namespace Platform.Topology.Files;

/// <summary>
/// The API clients the load scenarios call as (<c>./platform bench</c>): their keys are generated once,
/// known only to the state directory and to the gateway (as SHA-256 digests in its clients file).
/// "load" has a policy sized for load tests, so the limiter is not what a scenario measures; "noisy" and
/// "calmN" have the ordinary standard tier. Each creates, reads and manages its own reservations;
/// "admin" reads and manages everyone's (reservations:admin) and exports them (reservations:export).
/// </summary>
public static class BenchClients
{
    public const string Load = "load";
    public const string Noisy = "noisy";
    public const string Admin = "admin";

    /// <summary>The gateway's id for a bench client is this prefix and its name.</summary>
    public const string IdPrefix = "bench_";

    /// <summary>The load-test tier's policy name in the gateway's RateLimiting:Policies.</summary>
    public const string LoadTestPolicy = "loadtest";

    /// <summary>
    /// The flood scenario's stand-in load balancer: the gateway believes X-Forwarded-For from this address
    /// only (no real client connects from it), so one generator can be 100,000 clients over few connections.
    /// </summary>
    public static IPAddress ProxyAddress { get; } = IPAddress.Parse("127.0.0.254");

    /// <summary>The calm clients of the noisy-neighbour and fault scenarios: calm1-calm3 (before <see cref="Names"/>, which lists them).</summary>
    public static IReadOnlyList<string> CalmClients { get; } = [Calm(1), Calm(2), Calm(3)];

    /// <summary>Every bench client, in the order the keys file lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = [Load, Noisy, .. CalmClients, Admin];

    /// <summary>Calm client <paramref name="number"/>'s name (<c>calm2</c>).</summary>
    public static string Calm(int number) => "calm" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The gateway's client id of <paramref name="name"/> (<c>bench_load</c>).</summary>
    public static string ClientId(string name) => IdPrefix + name;

    /// <summary>
    /// The gateway's settings for the bench clients, in environment form: the load-test tier far above any
    /// scenario's rate, and the stand-in load balancer trusted for X-Forwarded-For.
    /// </summary>
    public static IReadOnlyDictionary<string, string> GatewaySettings { get; } = new Dictionary<string, string>
    {
        [$"RateLimiting__Policies__{LoadTestPolicy}__PermitsPerSecond"] = "1000000",
        [$"RateLimiting__Policies__{LoadTestPolicy}__Burst"] = "1000000",
        ["RateLimiting__TrustedProxies__0"] = ProxyAddress.ToString(),
    };

    /// <summary>The keys in <paramref name="keysFile"/> (name → key); empty when there is none.</summary>
    /// <exception cref="PlatformException">The file is not a JSON object of names and keys.</exception>
    public static IReadOnlyDictionary<string, string> ReadKeys(string keysFile)
    {
        if (!File.Exists(keysFile) || new FileInfo(keysFile).Length == 0)
        {
            return new Dictionary<string, string>();
        }

        try
        {
            var keys = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(keysFile)) ?? [];
            return keys.Where(key => !string.IsNullOrWhiteSpace(key.Value)).ToDictionary();
        }
        catch (JsonException e)
        {
            throw new PlatformException($"{keysFile} is not a JSON object of client names and keys ({e.Message}); move it away and run 'up' again", e);
        }
    }

    /// <summary>
    /// Creates the keys that are missing (all of them the first time) and, when any was, or when the clients
    /// file is missing, writes the gateway's clients file with every bench client. Operators add their own
    /// clients to that file afterwards (docs/identity.md).
    /// </summary>
    public static void Ensure(string keysFile, string clientsFile)
    {
        var keys = new Dictionary<string, string>(ReadKeys(keysFile));
        var missing = Names.Where(name => !keys.ContainsKey(name)).ToList();
        foreach (var name in missing)
        {
            keys[name] = Secrets.RandomKey();
        }

        if (missing.Count > 0)
        {
            AtomicFile.Write(keysFile, JsonFiles.Serialize(Names.ToDictionary(name => name, name => keys[name])), secret: true);
        }

        if (missing.Count > 0 || !File.Exists(clientsFile) || new FileInfo(clientsFile).Length == 0)
        {
            // The bench clients replace their own entries only: clients issued with `issue-key` stay.
            var clients = GatewayClientsFile.ReadClients(clientsFile);
            foreach (var (id, entry) in (JsonObject)JsonNode.Parse(ClientsJson(keys))!["Identity"]!["Clients"]!)
            {
                clients[id] = entry!.DeepClone();
            }
            GatewayClientsFile.Write(clientsFile, clients);
        }
    }

    /// <summary>The gateway's clients file for these keys: each client's SHA-256 digest, policy and scopes.</summary>
    public static string ClientsJson(IReadOnlyDictionary<string, string> keys) => JsonFiles.Serialize(new Dictionary<string, object>
    {
        ["Identity"] = new Dictionary<string, object>
        {
            ["Clients"] = Names.ToDictionary(ClientId, name => new GatewayClient(
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(keys[name]))),
                name == Load ? LoadTestPolicy : "standard",
                name == Admin
                    ? [IdentityNames.Read, IdentityNames.Manage, IdentityNames.Admin, IdentityNames.Export]
                    : [IdentityNames.Create, IdentityNames.Read, IdentityNames.Manage])),
        },
    });

    private sealed record GatewayClient(string Sha256, string Policy, IReadOnlyList<string> Scopes);
}
