using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Testing;
using Platform.Topology.Files;

namespace Platform.Deployment.Tests.Cli;

/// <summary>
/// <c>./platform issue-key</c>: a key of 256 bits printed once, only its digest stored in the gateway's
/// clients file beside the clients already there; every bad form one <c>error:</c> line and exit 64.
/// </summary>
public sealed class IssueKeyCommandTests
{
    [Fact]
    public async Task The_key_is_printed_once_and_only_its_digest_is_stored_beside_the_other_clients()
    {
        await using var platform = new LocalPlatform();
        var clientsFile = Path.Combine(platform.StateDirectory, "gateway", "clients.json");
        GatewayClientsFile.Write(clientsFile, new JsonObject { ["bench_load"] = GatewayClientsFile.Entry(new string('a', 64), null, "loadtest", ["reservations:read"]) });

        var (exitCode, output) = await platform.RunAsync("issue-key", "payments", "--policy", "standard", "--scope", "reservations:read", "--scope", "reservations:manage");

        Assert.True(exitCode == 0, output);
        var key = Assert.Single(output.Split('\n'), line => line.Length == 43 && line.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        Assert.Equal(32, Convert.FromBase64String(key.Replace('-', '+').Replace('_', '/') + "=").Length);
        var stored = File.ReadAllText(clientsFile);
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);
        var clients = GatewayClientsFile.ReadClients(clientsFile);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), (string?)clients["payments"]!["Sha256"]);
        Assert.Equal("standard", (string?)clients["payments"]!["Policy"]);
        Assert.Equal(["reservations:read", "reservations:manage"], clients["payments"]!["Scopes"]!.AsArray().Select(scope => (string)scope!));
        Assert.NotNull(clients["bench_load"]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(clientsFile));
        }
    }

    [Fact]
    public async Task Rotating_keeps_the_old_key_working_as_the_previous_one()
    {
        await using var platform = new LocalPlatform();
        var clientsFile = Path.Combine(platform.StateDirectory, "gateway", "clients.json");
        await platform.RunOrFailAsync("issue-key", "payments", "--policy", "standard", "--scope", "reservations:read");
        var first = (string?)GatewayClientsFile.ReadClients(clientsFile)["payments"]!["Sha256"];

        var (again, refused) = await platform.RunAsync("issue-key", "payments", "--policy", "standard", "--scope", "reservations:read");
        Assert.Equal(64, again);
        Assert.Contains("error: client 'payments' already has a key; add --rotate", refused, StringComparison.Ordinal);

        await platform.RunOrFailAsync("issue-key", "payments", "--policy", "premium", "--scope", "reservations:read", "--rotate");
        var rotated = GatewayClientsFile.ReadClients(clientsFile)["payments"]!;
        Assert.Equal(first, (string?)rotated["PreviousSha256"]);
        Assert.NotEqual(first, (string?)rotated["Sha256"]);
        Assert.Equal("premium", (string?)rotated["Policy"]);
    }

    [Theory]
    [InlineData("error: the client name 'pay ments' must be 1-64 of", "pay ments", "--policy", "standard", "--scope", "reservations:read")]
    [InlineData("error: the client name 'anonymous' is reserved", "anonymous", "--policy", "standard", "--scope", "reservations:read")]
    [InlineData("error: the client name 'bench_load' is reserved", "bench_load", "--policy", "standard", "--scope", "reservations:read")]
    [InlineData("error: the client name '", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "--policy", "standard", "--scope", "reservations:read")]
    [InlineData("error: --policy 'anonymous' is not a tier of the gateway", "payments", "--policy", "anonymous", "--scope", "reservations:read")]
    [InlineData("error: --policy 'gold' is not a tier of the gateway", "payments", "--policy", "gold", "--scope", "reservations:read")]
    [InlineData("error: --scope 'reservations:delete' is not a scope", "payments", "--policy", "standard", "--scope", "reservations:delete")]
    [InlineData("error: give at least one --scope", "payments", "--policy", "standard")]
    [InlineData("error: client 'payments' has no key to rotate", "payments", "--policy", "standard", "--scope", "reservations:read", "--rotate")]
    [InlineData("error: Option '--policy' is required", "payments", "--scope", "reservations:read")]
    public async Task A_request_that_cannot_be_issued_is_one_error_line_and_exit_64_and_writes_nothing(string expected, params string[] arguments)
    {
        await using var platform = new LocalPlatform();
        var (exitCode, output) = await platform.RunAsync(["issue-key", .. arguments]);

        Assert.Equal(64, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(platform.StateDirectory, "gateway", "clients.json")));
    }

    [Fact]
    public void Up_writing_the_bench_clients_again_keeps_the_issued_ones()
    {
        var directory = Directory.CreateTempSubdirectory("issue-key-");
        try
        {
            var clientsFile = Path.Combine(directory.FullName, "clients.json");
            var keysFile = Path.Combine(directory.FullName, "bench-keys.json");
            GatewayClientsFile.Write(clientsFile, new JsonObject { ["payments"] = GatewayClientsFile.Entry(new string('b', 64), null, "standard", ["reservations:read"]) });

            // No bench keys yet: up creates them and writes their clients into the file.
            BenchClients.Ensure(keysFile, clientsFile);

            var clients = GatewayClientsFile.ReadClients(clientsFile);
            Assert.Equal(new string('b', 64), (string?)clients["payments"]!["Sha256"]);
            Assert.All(BenchClients.Names, name => Assert.NotNull(clients[BenchClients.ClientId(name)]));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
