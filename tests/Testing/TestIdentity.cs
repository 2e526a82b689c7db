using System.Security.Cryptography;
using Platform.Identity;

namespace Platform.Testing;

/// <summary>
/// The identity signing key every replica and gateway a test starts shares (one per test process,
/// in a file readable by this user only, as <c>./platform up</c> writes it), and clients that sign
/// requests with it, standing in for the gateway when a test calls a replica directly.
/// </summary>
public static partial class TestIdentity
{
    /// <summary>The client a replica's default test client signs as.</summary>
    public const string DefaultClient = "tests";

    public const string Create = IdentityNames.Create;
    public const string Read = IdentityNames.Read;
    public const string Manage = IdentityNames.Manage;
    public const string Admin = IdentityNames.Admin;

    /// <summary>What an ordinary client holds: its own reservations, created, read and managed.</summary>
    public const string DefaultScopes = $"{Create},{Read},{Manage}";

    private static readonly Lazy<(byte[] Key, string File)> Signing = new(WriteKeyFile);

    /// <summary>The configuration key both services read the signing key's file from.</summary>
    public const string KeyFileSetting = "Identity__SigningKeyFile";

    /// <summary>Path of the key file (base64 of 32 random bytes), created on first use.</summary>
    public static string KeyFile => Signing.Value.File;

    /// <summary>The <c>X-Client-Identity</c> value the gateway would send for this request.</summary>
    public static string Sign(string client, string scopes, HttpMethod method, string pathAndQuery, DateTimeOffset? issuedAt = null) =>
        IdentityToken.Sign(Signing.Value.Key, client, scopes, (issuedAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
            method.Method, pathAndQuery);

    /// <summary>A handler that signs every request as <paramref name="client"/> with <paramref name="scopes"/>.</summary>
    public static DelegatingHandler Signer(string client = DefaultClient, string scopes = DefaultScopes) =>
        new SigningHandler(client, scopes) { InnerHandler = new SocketsHttpHandler() };

    /// <summary>
    /// The path and query as the gateway signs them and the replica checks them: ASP.NET Core's
    /// <c>Request.Path.Value + Request.QueryString.Value</c>, the path percent-decoded as Kestrel does
    /// it (every escape but <c>%2F</c>), the query as sent.
    /// </summary>
    public static string PathAndQueryAsServed(Uri uri)
    {
        var pieces = EncodedSlash().Split(uri.AbsolutePath).Select(Uri.UnescapeDataString);
        return string.Join("%2F", pieces) + uri.Query;
    }

    [System.Text.RegularExpressions.GeneratedRegex("%2F", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex EncodedSlash();

    private static (byte[], string) WriteKeyFile()
    {
        var key = RandomNumberGenerator.GetBytes(IdentityToken.MinKeyBytes);
        var directory = Directory.CreateTempSubdirectory("platform-identity-");
        var file = Path.Combine(directory.FullName, "signing-key");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(file, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(key));
        }
        return (key, file);
    }

    private sealed class SigningHandler(string client, string scopes) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove(IdentityToken.Header);
            request.Headers.TryAddWithoutValidation(IdentityToken.Header,
                Sign(client, scopes, request.Method, PathAndQueryAsServed(request.RequestUri!)));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
