using System.Globalization;
using Platform.Topology.Processes;
using Platform.Topology.Resources;

namespace Platform.Topology.Operations;

/// <summary>
/// Starts and stops any resource the same way: detached, recorded in the pid files, waited for until its
/// probe says ready, stopped gracefully. A process that already runs is left as it is, or told to reload.
/// </summary>
public sealed class ResourceRunner(ResourceContext context)
{
    private readonly Launcher _launcher = new(context.Table, context.Narrator);

    private ProcessTable Table => context.Table;

    private Narrator Narrator => context.Narrator;

    /// <summary>
    /// Configures <paramref name="resource"/>, starts those of its processes that do not run (all together,
    /// once all their ports are known free), waits until each is ready, then runs its on-ready step.
    /// </summary>
    public async Task StartAsync(PlatformResource resource)
    {
        await resource.ConfigureAsync();
        var stopped = resource.Instances.Where(instance => !LeaveRunning(resource, instance)).ToList();
        if (stopped.Count > 0)
        {
            foreach (var instance in stopped)
            {
                await RequireFreePortsAsync(instance);
            }

            await resource.PrepareAsync();
            var order = resource.StartOrder(stopped);
            if (resource.OneAtATime)
            {
                foreach (var instance in order)
                {
                    Start(instance);
                    await _launcher.WaitUntilReadyAsync(instance.Name, instance.Readiness);
                }
            }
            else
            {
                foreach (var instance in order)
                {
                    Start(instance);
                }

                foreach (var instance in order)
                {
                    await _launcher.WaitUntilReadyAsync(instance.Name, instance.Readiness);
                }
            }
        }

        await resource.OnReadyAsync();
    }

    /// <summary>Stops every process of <paramref name="resource"/> that may be running, together, then cleans up after them.</summary>
    public async Task StopAsync(PlatformResource resource)
    {
        await StopAsync(resource, resource.KnownInstances);
        resource.OnStopped();
    }

    /// <summary>
    /// Stops these processes of <paramref name="resource"/> together (a cluster's nodes one at a time, the
    /// last first): SIGTERM, its stop timeout, then SIGKILL.
    /// </summary>
    public async Task StopAsync(PlatformResource resource, IEnumerable<ResourceInstance> instances)
    {
        if (!resource.OneAtATime)
        {
            await _launcher.StopAllAsync(instances.Select(instance => instance.Name), resource.StopTimeout);
            return;
        }

        foreach (var instance in instances.Reverse())
        {
            await _launcher.StopAllAsync([instance.Name], resource.StopTimeout);
        }
    }

    private void Start(ResourceInstance instance)
    {
        var first = instance.Endpoints[0];
        Narrator.Info($"starting {instance.Name} on {first.Address}:{Port(instance.Port)}"
            + string.Concat(instance.Endpoints.Skip(1).Select(endpoint => $" ({endpoint.Name} :{Port(endpoint.Port)})")));
        _launcher.StartDetached(instance.Name, instance.Command(), instance.Port);
    }

    // True, having said so, when the process runs: it is left as it is, or sent SIGHUP to reload.
    private bool LeaveRunning(PlatformResource resource, ResourceInstance instance)
    {
        if (Table.RunningPid(instance.Name) is not { } pid)
        {
            return false;
        }

        if (resource.ReloadsOnHangup is { } reload)
        {
            Narrator.Info($"{instance.Name} already running (pid {pid}): {reload}");
            Signals.TrySend(pid, Signals.Hangup);
        }
        else
        {
            Narrator.Info($"{instance.Name} already running (pid {pid}, port {Port(Table.RecordedPort(instance.Name, instance.Port))})");
        }

        return true;
    }

    private static async Task RequireFreePortsAsync(ResourceInstance instance)
    {
        foreach (var (endpoint, index) in instance.Endpoints.Select((endpoint, index) => (endpoint, index)))
        {
            if (await Probes.PortInUseAsync(endpoint.Port, endpoint.Address))
            {
                var what = index == 0 ? instance.Title : $"{instance.Name} {endpoint.Name}";
                throw new PlatformException($"port {endpoint.Address}:{Port(endpoint.Port)} (for {what}) is already in use by a process the platform did not start; stop it or choose another port");
            }
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
