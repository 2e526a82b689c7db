using Microsoft.Extensions.Options;

namespace Platform.Gateway.Tls;

/// <summary>
/// Reloads <see cref="ServerCertificate"/> soon after its files change (a file watcher on their
/// directories, settled for a moment so both files of a rotation are written), and every
/// <see cref="TlsOptions.ReloadInterval"/> whatever the watcher saw.
/// </summary>
internal sealed class CertificateWatcher(ServerCertificate certificate, IOptions<TlsOptions> options) : BackgroundService
{
    // A rotation writes two files, each possibly in several writes: reading a moment after the last
    // event usually sees both finished, which saves a refused (mismatched) read and its warning.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changed = new SemaphoreSlim(0);
        var watchers = certificate.Directories.Select(directory =>
        {
            var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, EnableRaisingEvents = false };
            watcher.Changed += (_, _) => Signal(changed);
            watcher.Created += (_, _) => Signal(changed);
            watcher.Renamed += (_, _) => Signal(changed);
            watcher.Deleted += (_, _) => Signal(changed);
            watcher.EnableRaisingEvents = true;
            return watcher;
        }).ToList();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (await changed.WaitAsync(options.Value.ReloadInterval, stoppingToken))
                {
                    await Task.Delay(Settle, stoppingToken);
                    while (changed.CurrentCount > 0)
                        await changed.WaitAsync(stoppingToken);
                }
                certificate.Reload();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            foreach (var watcher in watchers)
                watcher.Dispose();
            changed.Dispose();
        }
    }

    // At most one pending signal: many events of one rotation are one reload.
    private static void Signal(SemaphoreSlim changed)
    {
        if (changed.CurrentCount == 0)
            changed.Release();
    }
}
