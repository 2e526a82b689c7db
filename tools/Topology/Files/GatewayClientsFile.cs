using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Topology.Files;

/// <summary>
/// The gateway's watched clients file (<c>.platform/gateway/clients.json</c>, read as
/// <c>Identity:ClientsFile</c>): <c>{"Identity":{"Clients":{name: {Sha256, PreviousSha256, Policy, Scopes}}}}</c>.
/// Only digests are stored, never a key. Every writer (<c>up</c>'s bench clients, <c>issue-key</c>)
/// changes its own clients and keeps the others, and replaces the file atomically so the gateway's
/// reload never sees half of it.
/// </summary>
public static partial class GatewayClientsFile
{
    /// <summary>The scopes a client may hold (docs/identity.md).</summary>
    public static IReadOnlyList<string> AllowedScopes => Platform.Contracts.Identity.IdentityNames.Scopes;

    /// <summary>Names the gateway keeps for itself: the anonymous caller, and the metrics' name for a key that names nobody.</summary>
    public static IReadOnlyList<string> ReservedNames { get; } = ["anonymous", "unknown"];

    /// <summary>True for 1-64 of <c>[A-Za-z0-9_-]</c>, as the gateway requires.</summary>
    public static bool IsValidName(string name) => ClientName().IsMatch(name);

    /// <summary>The hex SHA-256 of <paramref name="key"/>, as the gateway compares it.</summary>
    public static string Digest(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new client key: 32 random bytes (256 bits), base64url without padding (43 characters).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The clients in <paramref name="path"/> (name → entry); empty when there is no file.</summary>
    /// <exception cref="PlatformException">The file is not the clients file's JSON.</exception>
    public static JsonObject ReadClients(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return [];
        }
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            return root?["Identity"]?["Clients"] is JsonObject clients
                ? (JsonObject)clients.DeepClone()
                : throw new PlatformException($"{path} has no Identity.Clients object; fix or move it away");
        }
        catch (JsonException e)
        {
            throw new PlatformException($"{path} is not JSON ({e.Message}); fix or move it away", e);
        }
    }

    /// <summary>Writes <paramref name="clients"/> as the whole clients file, atomically, readable by this user only.</summary>
    public static void Write(string path, JsonObject clients)
    {
        var root = new JsonObject { ["Identity"] = new JsonObject { ["Clients"] = clients } };
        AtomicFile.Write(path, root.ToJsonString(JsonFiles.Options) + "\n", secret: true);
    }

    /// <summary>One client's entry.</summary>
    public static JsonObject Entry(string sha256, string? previousSha256, string policy, IEnumerable<string> scopes)
    {
        var entry = new JsonObject { ["Sha256"] = sha256 };
        if (previousSha256 is not null)
        {
            entry["PreviousSha256"] = previousSha256;
        }
        entry["Policy"] = policy;
        entry["Scopes"] = new JsonArray([.. scopes.Select(scope => (JsonNode)JsonValue.Create(scope))]);
        return entry;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ClientName();
}
