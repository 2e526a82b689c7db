namespace Platform.Topology.Resources;

/// <summary>
/// One of the servers <c>./platform up</c> runs, described once, in the way an application model describes
/// a resource: its name, its processes with their endpoints, start commands and readiness probes, what it
/// waits for, how it is prepared and how long it may take to stop. <see cref="Operations.ResourceRunner"/>
/// does the rest the same way for every resource; <see cref="PlatformResources.All"/> lists them.
/// </summary>
public abstract class PlatformResource
{
    /// <summary>The resource's name, which the others' <see cref="WaitsFor"/> use; a one-process resource's is its process name.</summary>
    public abstract string Name { get; }

    public abstract ResourceKind Kind { get; }

    /// <summary>The resources that must be ready before this one starts (and stop only after it).</summary>
    public virtual IReadOnlyList<string> WaitsFor => [];

    /// <summary>The processes <c>up</c> starts.</summary>
    public abstract IReadOnlyList<ResourceInstance> Instances { get; }

    /// <summary>The processes that may be running, which <c>status</c> shows and <c>down</c> stops: those <c>up</c> starts unless a resource knows of more.</summary>
    public virtual IReadOnlyList<ResourceInstance> KnownInstances => Instances;

    /// <summary>How long a process has after SIGTERM before it gets SIGKILL.</summary>
    public abstract TimeSpan StopTimeout { get; }

    /// <summary>
    /// True for a cluster's nodes: each joins once the one before it is ready (two joining at once would ask
    /// the same donor for a copy), in <see cref="StartOrder"/>, and they leave one at a time in the reverse
    /// order, so the last to stop knows it holds every commit.
    /// </summary>
    public virtual bool OneAtATime => false;

    /// <summary>The order its stopped processes start in, asked after <see cref="PrepareAsync"/> (which may decide it).</summary>
    public virtual IReadOnlyList<ResourceInstance> StartOrder(IReadOnlyList<ResourceInstance> stopped) => stopped;

    /// <summary>What SIGHUP makes a running process do (it is sent one instead of being left as it is), or null when it is left as it is.</summary>
    public virtual string? ReloadsOnHangup => null;

    /// <summary>Before anything else, whether or not it runs: the files a running process reloads, the builds, the logins it is given.</summary>
    public virtual Task ConfigureAsync() => Task.CompletedTask;

    /// <summary>Once its ports are known to be free, before its stopped processes start: data directories, initialisation.</summary>
    public virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>Once all its processes are ready, whether just started or already running: what is done through it (provisioning).</summary>
    public virtual Task OnReadyAsync() => Task.CompletedTask;

    /// <summary>What <c>status</c> shows after a running process's readiness, or null for nothing more.</summary>
    public virtual Task<string?> StatusDetailAsync() => Task.FromResult<string?>(null);

    /// <summary>Once its processes have stopped: what they leave behind.</summary>
    public virtual void OnStopped()
    {
    }
}
