using Microsoft.Extensions.Options;

namespace Platform.Gateway.Tls;

/// <summary>With TLS on: a certificate and key that can be served, and no https address in <c>ASPNETCORE_URLS</c>.</summary>
internal sealed class TlsOptionsValidator(IHostEnvironment environment, IConfiguration configuration) : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        if (!options.Enabled)
            return ValidateOptionsResult.Success;

        var failures = new List<string>();
        if (options.Host is not ("+" or "*" or "localhost") && !System.Net.IPAddress.TryParse(options.Host.Trim('[', ']'), out _))
            failures.Add($"{TlsOptions.Section}:Host must be +, *, localhost or an IP address (got '{options.Host}').");
        if (string.IsNullOrWhiteSpace(options.CertificateFile))
            failures.Add($"{TlsOptions.Section}:CertificateFile must name the PEM certificate file when {TlsOptions.Section}:Enabled is true.");
        if (string.IsNullOrWhiteSpace(options.KeyFile))
            failures.Add($"{TlsOptions.Section}:KeyFile must name the PEM private key file when {TlsOptions.Section}:Enabled is true.");
        if (failures.Count == 0)
        {
            var (certificateFile, keyFile) = Paths(options, environment);
            foreach (var (key, file) in new[] { ("CertificateFile", certificateFile), ("KeyFile", keyFile) })
            {
                if (!File.Exists(file))
                    failures.Add($"{TlsOptions.Section}:{key} names {file}, which does not exist.");
            }
            if (failures.Count == 0)
            {
                try
                {
                    CertificateFiles.Load(certificateFile, keyFile);
                }
                catch (CertificateFileException error)
                {
                    failures.Add($"{TlsOptions.Section}:CertificateFile and {TlsOptions.Section}:KeyFile: {error.Message}");
                }
            }
        }
        if (PlainListeners.Urls(configuration).FirstOrDefault(url => url.StartsWith("https:", StringComparison.OrdinalIgnoreCase)) is { } https)
            failures.Add($"ASPNETCORE_URLS holds {https}: with {TlsOptions.Section}:Enabled HTTPS is served on {TlsOptions.Section}:Host and {TlsOptions.Section}:Port only; list plain http:// addresses there.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The two files as full paths, a relative one taken from the content root.</summary>
    public static (string Certificate, string Key) Paths(TlsOptions options, IHostEnvironment environment) =>
        (Path.GetFullPath(options.CertificateFile, environment.ContentRootPath), Path.GetFullPath(options.KeyFile, environment.ContentRootPath));
}
