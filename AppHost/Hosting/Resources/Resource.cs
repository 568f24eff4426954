namespace Platform.Hosting;

/// <summary>Something the AppHost runs or provides: a server, a database, a project.</summary>
public abstract class Resource
{
    private readonly object sync = new();
    private readonly List<Resource> waitsFor = [];
    private readonly List<Resource> references = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private protected Resource(string name) => Name = name;

    public string Name { get; }

    /// <summary>Kind shown in the resource table.</summary>
    public abstract string Type { get; }

    public ResourceState State { get; private set; }

    /// <summary>Why the resource failed, when it did.</summary>
    public string? Error { get; private set; }

    /// <summary>Where it is reached, for display; never contains a password.</summary>
    public virtual string? Endpoint => null;

    /// <summary>Resources that must be ready before this one starts.</summary>
    public IReadOnlyList<Resource> WaitsFor => waitsFor;

    /// <summary>Ready for dependants: up, or deliberately absent.</summary>
    public bool IsReady => IsReadyIn(State);

    /// <summary>Raised after every state change, on the thread that made it.</summary>
    public event Action<Resource>? StateChanged;

    internal virtual string StateText => State == ResourceState.Failed ? $"Failed: {Error}" : State.ToString();

    /// <summary>Everything this one depends on, for ordering the stop.</summary>
    internal IEnumerable<Resource> Dependencies => waitsFor.Concat(references);

    public abstract Task StartAsync(CancellationToken cancellationToken = default);

    public abstract Task StopAsync();

    /// <summary>Waits until the state satisfies the predicate; returns that state (it may have moved on since).</summary>
    public async Task<ResourceState> WaitForStateAsync(Func<ResourceState, bool> predicate, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task next;
            lock (sync)
            {
                if (predicate(State))
                {
                    return State;
                }

                next = changed.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits until <see cref="IsReady"/>; throws if the resource fails or stops first.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        var state = await WaitForStateAsync(s => IsReadyIn(s) || s is ResourceState.Failed or ResourceState.Stopped, cancellationToken);
        if (!IsReadyIn(state))
        {
            throw new DistributedApplicationException(state == ResourceState.Failed ? $"'{Name}' failed: {Error}" : $"'{Name}' is {state}.");
        }
    }

    /// <summary>Whether dependants may start while the resource is in this state.</summary>
    private protected virtual bool IsReadyIn(ResourceState state) =>
        state is ResourceState.Running or ResourceState.Healthy or ResourceState.Disabled;

    internal void AddWaitFor(Resource dependency) => waitsFor.Add(dependency);

    internal void AddReference(Resource dependency) => references.Add(dependency);

    private protected void SetState(ResourceState state, string? error = null)
    {
        TaskCompletionSource previous;
        lock (sync)
        {
            if (State == state && Error == error)
            {
                return;
            }

            (State, Error) = (state, error);
            previous = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.SetResult();
        StateChanged?.Invoke(this);
    }
}
