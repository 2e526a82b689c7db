using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Platform.Topology.Processes;
using Platform.Topology.Services;

namespace Platform.Topology.Files;

/// <summary>
/// Makes and renews the local CA and the gateway's certificate with <c>openssl</c> (EC P-256): the
/// CA for ten years, the server certificate for 90 days, for <c>localhost</c> and <c>127.0.0.1</c>.
/// <c>up</c> renews the server certificate once it has less than <see cref="RenewBefore"/> left (the
/// alert TlsCertificateExpiresSoon fires at 21 days, so a platform left running that long without an
/// <c>up</c> is told), and the CA, with a new server certificate, once the CA has less than a year.
/// </summary>
public static class LocalCertificates
{
    /// <summary>The command that makes them (Debian package <c>openssl</c>).</summary>
    public const string OpenSsl = "openssl";

    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private const int ServerDays = 90;
    private const int CaDays = 3650;
    private static readonly TimeSpan CaRenewBefore = TimeSpan.FromDays(365);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The names the server certificate carries: what a client of the local platform calls.</summary>
    public const string SubjectAlternativeNames = "DNS:localhost,IP:127.0.0.1";

    /// <summary>Makes what is missing or due for renewal; true when a new server certificate was issued.</summary>
    /// <exception cref="PlatformException">openssl is missing or failed.</exception>
    public static async Task<bool> EnsureAsync(LocalCertificateFiles files)
    {
        CreatePrivateDirectory(files.Directory);
        var now = DateTimeOffset.UtcNow;
        var newCa = !File.Exists(files.CaKey) || ExpiresWithin(files.CaCertificate, now, CaRenewBefore);
        if (newCa)
            await IssueCaAsync(files);
        if (newCa || !File.Exists(files.ServerKey) || ExpiresWithin(files.ServerCertificate, now, RenewBefore) || !IssuedBy(files))
        {
            await IssueServerCertificateAsync(files);
            return true;
        }
        return false;
    }

    /// <summary>
    /// A new key and certificate for the server, signed by the CA, replacing the old pair by rename (key
    /// first, then certificate): a running gateway serves the new pair from its next handshake.
    /// </summary>
    /// <param name="days">Validity; shorter only for tests of expiry.</param>
    public static async Task IssueServerCertificateAsync(LocalCertificateFiles files, int days = ServerDays)
    {
        var work = Directory.CreateTempSubdirectory("platform-tls-").FullName;
        try
        {
            var key = Path.Combine(work, "server.key");
            var request = Path.Combine(work, "server.csr");
            var certificate = Path.Combine(work, "server.crt");
            var extensions = Path.Combine(work, "server.ext");
            await File.WriteAllTextAsync(extensions,
                $"subjectAltName={SubjectAlternativeNames}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
            await RunAsync("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key, "-out", request, "-subj", "/CN=localhost");
            await RunAsync("x509", "-req", "-in", request, "-CA", files.CaCertificate, "-CAkey", files.CaKey,
                "-set_serial", "0x" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
                "-days", days.ToString(CultureInfo.InvariantCulture), "-sha256", "-extfile", extensions, "-out", certificate);
            Install(key, files.ServerKey, secret: true);
            Install(certificate, files.ServerCertificate, secret: false);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task IssueCaAsync(LocalCertificateFiles files)
    {
        var work = Directory.CreateTempSubdirectory("platform-tls-").FullName;
        try
        {
            var key = Path.Combine(work, "ca.key");
            var certificate = Path.Combine(work, "ca.crt");
            await RunAsync("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key, "-out", certificate, "-days", CaDays.ToString(CultureInfo.InvariantCulture), "-sha256",
                "-subj", "/CN=Platform local CA",
                "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            Install(key, files.CaKey, secret: true);
            Install(certificate, files.CaCertificate, secret: false);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Moved into place by rename, so a reader never sees half a file; keys readable by this user only.
    private static void Install(string source, string target, bool secret)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(source, secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(source, target, overwrite: true);
    }

    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory);
        else
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool ExpiresWithin(string certificateFile, DateTimeOffset now, TimeSpan margin)
    {
        if (!File.Exists(certificateFile))
            return true;
        try
        {
            using var certificate = Read(certificateFile);
            return certificate.NotAfter.ToUniversalTime() - now.UtcDateTime < margin;
        }
        catch (Exception error) when (error is CryptographicException or IOException)
        {
            return true;
        }
    }

    // The server certificate chains to this CA: a CA made anew leaves every older certificate untrusted.
    private static bool IssuedBy(LocalCertificateFiles files)
    {
        try
        {
            using var ca = Read(files.CaCertificate);
            using var server = Read(files.ServerCertificate);
            return ChainsTo(server, ca);
        }
        catch (Exception error) when (error is CryptographicException or IOException)
        {
            return false;
        }
    }

    /// <summary>The first certificate of a PEM file that holds no key (CreateFromPemFile would look for one in it).</summary>
    /// <exception cref="CryptographicException">The file holds no PEM certificate.</exception>
    public static X509Certificate2 Read(string certificateFile) => X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile));

    /// <summary>True when <paramref name="certificate"/> is valid now and chains to <paramref name="ca"/>, trusting no other root.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static async Task RunAsync(params string[] arguments)
    {
        if (Binaries.Find(OpenSsl) is not { } openssl)
            throw new PlatformException($"{OpenSsl} is not installed (Debian package openssl); ./platform installs it");
        var (exit, output) = await CommandRunner.RunAsync(new ServiceCommand(openssl, arguments), Timeout);
        if (exit != 0)
            throw new PlatformException($"openssl {arguments[0]} failed: {output.Trim()}");
    }
}
