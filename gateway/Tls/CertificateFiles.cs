using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Gateway.Tls;

/// <summary>
/// One certificate as read from its PEM files: the context every handshake is given, and the names it
/// may be asked for. Read whole or not at all: a file half-written, or a key that belongs to another
/// certificate (the key file replaced before the certificate, or after), is a <see cref="CertificateFileException"/>.
/// </summary>
public sealed class CertificateFiles
{
    private readonly HashSet<string> _dnsNames;
    private readonly string[] _wildcardSuffixes;
    private readonly HashSet<IPAddress> _addresses;

    private CertificateFiles(X509Certificate2 leaf, SslStreamCertificateContext context, byte[] digest)
    {
        Leaf = leaf;
        Context = context;
        Digest = digest;
        var names = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault();
        var dns = names?.EnumerateDnsNames().Select(Normalise).ToList() ?? [];
        _dnsNames = dns.Where(name => !name.StartsWith("*.", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        _wildcardSuffixes = [.. dns.Where(name => name.StartsWith("*.", StringComparison.Ordinal)).Select(name => name[1..])];
        _addresses = names?.EnumerateIPAddresses().ToHashSet() ?? [];
    }

    /// <summary>The server's own certificate (the first in the file).</summary>
    public X509Certificate2 Leaf { get; }

    /// <summary>
    /// Built once per certificate and given to every handshake: on Linux the TLS library's context (and
    /// with it the session cache and ticket keys, so resumption) lives with it.
    /// </summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>SHA-256 over both files' bytes: the same digest means nothing to reload.</summary>
    public byte[] Digest { get; }

    /// <summary>The certificate's notAfter, as Unix seconds.</summary>
    public double ExpiresAtUnixSeconds => new DateTimeOffset(Leaf.NotAfter.ToUniversalTime()).ToUnixTimeSeconds();

    /// <summary>
    /// True when <paramref name="serverName"/> (the client's SNI) is one of the certificate's subject
    /// alternative names, a wildcard covering one label included. Clients send no SNI for an address,
    /// so an address here comes from an unusual client and is held to the certificate's IP names.
    /// </summary>
    public bool Serves(string serverName)
    {
        if (IPAddress.TryParse(serverName, out var address))
            return _addresses.Contains(address);
        var name = Normalise(serverName);
        if (_dnsNames.Contains(name))
            return true;
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && _wildcardSuffixes.Contains(name[dot..], StringComparer.Ordinal);
    }

    /// <summary>The certificate (with any intermediates after it) and its key; <paramref name="digest"/> from <see cref="DigestOf"/>.</summary>
    /// <exception cref="CertificateFileException">A file is missing, unreadable or not what it should be.</exception>
    public static CertificateFiles Load(string certificateFile, string keyFile, byte[]? digest = null)
    {
        digest ??= DigestOf(certificateFile, keyFile);
        X509Certificate2 leaf;
        var intermediates = new X509Certificate2Collection();
        try
        {
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certificateFile);
            if (all.Count == 0)
                throw new CertificateFileException($"{certificateFile} holds no PEM certificate.");
            intermediates.AddRange(all.Skip(1).ToArray());
            all[0].Dispose();
            // The first certificate with its key, which must be this certificate's (else ArgumentException).
            leaf = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception error) when (error is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new CertificateFileException($"{certificateFile} and {keyFile} are not a PEM certificate and its private key: {error.Message}", error);
        }

        if (!leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Any())
            throw new CertificateFileException($"{certificateFile} has no subject alternative names; clients check the name they asked for against them.");
        // offline: the chain is built from the file alone, with no fetch of missing intermediates on
        // the handshake path; an incomplete chain is the operator's to fix in the file.
        return new CertificateFiles(leaf, SslStreamCertificateContext.Create(leaf, intermediates, offline: true), digest);
    }

    /// <summary>SHA-256 over both files' bytes.</summary>
    /// <exception cref="CertificateFileException">A file cannot be read.</exception>
    public static byte[] DigestOf(string certificateFile, string keyFile)
    {
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(File.ReadAllBytes(certificateFile));
            hash.AppendData(File.ReadAllBytes(keyFile));
            return hash.GetHashAndReset();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CertificateFileException($"cannot read {certificateFile} or {keyFile}: {error.Message}", error);
        }
    }

    private static string Normalise(string name) => name.TrimEnd('.').ToLowerInvariant();
}

/// <summary>A certificate or key file that cannot be served, with the reason.</summary>
public sealed class CertificateFileException : Exception
{
    public CertificateFileException()
    {
    }

    public CertificateFileException(string message) : base(message)
    {
    }

    public CertificateFileException(string message, Exception inner) : base(message, inner)
    {
    }
}
