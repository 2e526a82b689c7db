using System.Security.Cryptography;
using Platform.Contracts.Http;
using Platform.Contracts.Identity;

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

    /// <summary>An operator's: reading and the back office.</summary>
    public const string AdminScopes = $"{Read},{Admin}";

    private static readonly Lazy<(byte[] Key, string File)> Signing = new(WriteKeyFile);

    /// <summary>The configuration key both services read the signing key's file from.</summary>
    public const string KeyFileSetting = "Identity__SigningKeyFile";

    /// <summary>Path of the key file (base64 of 32 random bytes), created on first use.</summary>
    public static string KeyFile => Signing.Value.File;

    /// <summary>
    /// The <c>X-Client-Identity</c> value the gateway would send for this request: <paramref name="holder"/>
    /// defaults to the client's name, <paramref name="limits"/> to none (the header's form, see
    /// <see cref="HoldLimits"/>); <paramref name="contentDigest"/> is <see cref="ContentDigest"/> of the body, if any.
    /// </summary>
    public static string Sign(string client, string scopes, HttpMethod method, string pathAndQuery, DateTimeOffset? issuedAt = null,
        string? idempotencyKey = null, string? contentDigest = null, string? holder = null, string? limits = null) =>
        IdentityToken.Sign(Signing.Value.Key, new IdentityClaims(client, scopes, holder ?? client, limits ?? HoldLimits.None.Format()),
            (issuedAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
            new SignedRequest(method.Method, pathAndQuery, idempotencyKey, contentDigest));

    /// <summary>The RFC 9530 <c>Content-Digest</c> the gateway sends (and signs) for a body.</summary>
    public static string ContentDigest(ReadOnlySpan<byte> body) => IdentityToken.ContentDigest(body);

    /// <summary>The holder the gateway names an anonymous address by (a keyed hash: no address is sent).</summary>
    public static string AnonymousHolder(string address) =>
        IdentityToken.AnonymousHolder(Signing.Value.Key, System.Text.Encoding.UTF8.GetBytes(address));

    /// <summary>The limits' header form: <c>{holds},{nights},{nights per reservation},{horizon days},{may confirm},{hold seconds}</c>.</summary>
    public static string Limits(int? maxHolds = null, int? maxHeldNights = null, int? maxNightsPerReservation = null, int? horizonDays = null,
        bool mayConfirm = true, int? holdSeconds = null) =>
        new HoldLimits(maxHolds, maxHeldNights, maxNightsPerReservation, horizonDays, mayConfirm, holdSeconds).Format();

    /// <summary>
    /// A handler that signs every request as <paramref name="client"/> with <paramref name="scopes"/>, as the
    /// gateway does: bound to its method, path, <c>Idempotency-Key</c> and body (sent with its <c>Content-Digest</c>),
    /// counted under <paramref name="holder"/> (the client's name by default) with <paramref name="limits"/> (none by default).
    /// </summary>
    public static DelegatingHandler Signer(string client = DefaultClient, string scopes = DefaultScopes, string? holder = null, string? limits = null) =>
        new SigningHandler(client, scopes, holder, limits) { InnerHandler = new SocketsHttpHandler() };

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

    private sealed class SigningHandler(string client, string scopes, string? holder, string? limits) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string? digest = null;
            if (request.Content is { } content)
            {
                var body = await content.ReadAsByteArrayAsync(cancellationToken);
                if (body.Length > 0)
                    digest = ContentDigest(body);
            }
            request.Headers.Remove(PlatformHeaders.ClientIdentity);
            request.Headers.Remove(PlatformHeaders.ContentDigest);
            if (digest is not null)
                request.Headers.TryAddWithoutValidation(PlatformHeaders.ContentDigest, digest);
            var idempotencyKey = request.Headers.TryGetValues(PlatformHeaders.IdempotencyKey, out var keys) ? string.Join(",", keys) : null;
            request.Headers.TryAddWithoutValidation(PlatformHeaders.ClientIdentity,
                Sign(client, scopes, request.Method, PathAndQueryAsServed(request.RequestUri!), idempotencyKey: idempotencyKey,
                    contentDigest: digest, holder: holder, limits: limits));
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
