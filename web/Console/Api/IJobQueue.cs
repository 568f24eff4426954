namespace WebConsole.Api;

/// <summary>A service's durable job queue (pool's and users' have the same endpoints under their own paths).</summary>
public interface IJobQueue
{
    Task<Paged<Job>> JobsAsync(int page, int pageSize, string? type, string? status);

    Task<Job> JobAsync(Guid id);

    Task<Job> RetryJobAsync(Guid id);
}
