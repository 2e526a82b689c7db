using Platform.Testing;
using Platform.Topology;
using Platform.Topology.Files;

namespace Platform.Deployment.Tests.Topology;

/// <summary>The generated secrets: created once, kept, readable by this user only; an operator's password checked.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretsTests : IDisposable
{
    private readonly ScratchDirectory _state = ScratchDirectory.Create("platform-secrets-");

    public void Dispose() => _state.Delete();

    [Fact]
    public void The_database_password_is_generated_once_then_kept_and_only_this_user_reads_it()
    {
        var file = _state.Combine("db-password");
        var first = Secrets.DatabasePassword(file, given: null);
        Assert.Matches("^[A-Za-z0-9]{32}$", first);
        Assert.Equal(first, Secrets.DatabasePassword(file, given: ""));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void A_given_password_replaces_the_stored_one()
    {
        var file = _state.Combine("db-password");
        Secrets.DatabasePassword(file, given: null);
        Assert.Equal("operators-own-9", Secrets.DatabasePassword(file, "operators-own-9"));
        Assert.Equal("operators-own-9", Secrets.StoredDatabasePassword(file));
    }

    [Theory]
    [InlineData("it's-a-secret")]
    [InlineData("say \"hello\" now")]
    [InlineData("back\\slashes")]
    [InlineData("a;DROP USER root")]
    public void A_password_that_would_need_escaping_in_sql_or_a_connection_string_is_refused(string password)
    {
        var error = Assert.Throws<PlatformException>(() => Secrets.DatabasePassword(_state.Combine("db-password"), password));
        Assert.Contains("PLATFORM_DB_PASSWORD must not contain", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_state.Combine("db-password")));
    }

    [Fact]
    public void A_short_password_is_refused()
    {
        var error = Assert.Throws<PlatformException>(() => Secrets.DatabasePassword(_state.Combine("db-password"), "short"));
        Assert.Contains("at least 8 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_identity_key_is_32_random_bytes_made_once()
    {
        var file = _state.Combine(Path.Combine("identity", "signing-key"));
        Secrets.EnsureIdentityKey(file);
        var key = File.ReadAllText(file);
        Assert.Equal(32, Convert.FromBase64String(key.Trim()).Length);
        Secrets.EnsureIdentityKey(file);
        Assert.Equal(key, File.ReadAllText(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }
}
