namespace Platform.Hosting;

public enum ResourceState
{
    NotStarted,
    Starting,

    /// <summary>Up: a server answering its protocol, or a process without a health endpoint.</summary>
    Running,

    /// <summary>A project whose /health answers 200.</summary>
    Healthy,

    /// <summary>A project whose /health stopped answering 200 after it had.</summary>
    Unhealthy,

    /// <summary>A project that exited unexpectedly, waiting out its backoff before the next start.</summary>
    Restarting,
    Stopping,
    Stopped,
    Failed,

    /// <summary>Switched off by configuration or missing from the machine (Redis).</summary>
    Disabled,
}
