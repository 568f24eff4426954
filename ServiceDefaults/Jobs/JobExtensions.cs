using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Jobs;

namespace Microsoft.Extensions.Hosting;

/// <summary>The queue's name in metrics and logs (<c>pool</c>, <c>users</c>).</summary>
public sealed record JobQueueName(string Name);

public static class JobExtensions
{
    /// <summary>
    /// A durable job queue in <typeparamref name="TContext"/>'s job table (mapped with <c>ConfigureJobs</c>) and its
    /// runner, configured from the <c>Jobs</c> section.
    /// </summary>
    public static IHostApplicationBuilder AddJobs<TContext>(this IHostApplicationBuilder builder, string queueName) where TContext : DbContext
    {
        builder.Services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(new JobQueueName(queueName));
        builder.Services.AddSingleton<JobMetrics>();
        builder.Services.AddScoped<JobQueue<TContext>>();
        builder.Services.AddHostedService<JobRunner<TContext>>();
        return builder;
    }

    /// <summary>Registers the handler of one job type (scoped, keyed by its type name).</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services, string type) where THandler : class, IJobHandler =>
        services.AddKeyedScoped<IJobHandler, THandler>(type);
}
