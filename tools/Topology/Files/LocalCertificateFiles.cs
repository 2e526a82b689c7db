namespace Platform.Topology.Files;

/// <summary>
/// A local certificate authority and the gateway's certificate it signs, in one directory this user
/// alone may enter: <c>ca.crt</c> (what clients trust: <c>curl --cacert</c>), <c>ca.key</c>,
/// <c>server.crt</c> and <c>server.key</c> (what the gateway serves, reloaded when replaced).
/// </summary>
public sealed record LocalCertificateFiles(string Directory)
{
    public string CaCertificate => Path.Combine(Directory, "ca.crt");

    public string CaKey => Path.Combine(Directory, "ca.key");

    public string ServerCertificate => Path.Combine(Directory, "server.crt");

    public string ServerKey => Path.Combine(Directory, "server.key");
}
