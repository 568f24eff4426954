using System.Diagnostics;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.LocalServers;

/// <summary>
/// Lets Aspire see a resource become ready within a tenth of a second. Aspire runs a resource's health checks once it
/// is Running and, while they fail, again after 1, 2, 3, 4 and then every 5 seconds: a server or service that is
/// ready just after a check is noticed seconds later, and every <c>WaitFor</c> of a chain adds that delay. Until a
/// check has passed once, each run of it here tries again every 100 ms for up to 10 s before it reports the failure;
/// from then on it is one attempt per run, as Aspire made it (a later failure is reported when Aspire asks).
/// </summary>
public static class PromptReadiness
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Applies to every health check of the model, the ones Aspire registers included.</summary>
    public static IDistributedApplicationBuilder WithPromptReadiness(this IDistributedApplicationBuilder builder)
    {
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations)
            {
                var factory = registration.Factory;
                var first = new FirstPass();
                registration.Factory = services => new UntilFirstPass(factory(services), first);
            }
        });
        return builder;
    }

    private sealed class FirstPass
    {
        public volatile bool Done;
    }

    private sealed class UntilFirstPass(IHealthCheck check, FirstPass first) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                HealthCheckResult result;
                try
                {
                    result = await check.CheckHealthAsync(context, cancellationToken);
                }
                catch (Exception) when (!first.Done && waited.Elapsed < Patience && !cancellationToken.IsCancellationRequested)
                {
                    // A check that throws before its resource is up (no connection string yet, connection refused).
                    await Task.Delay(Interval, cancellationToken);
                    continue;
                }
                if (result.Status == HealthStatus.Healthy)
                {
                    first.Done = true;
                }
                if (first.Done || result.Status == HealthStatus.Healthy || waited.Elapsed >= Patience)
                {
                    return result;
                }
                await Task.Delay(Interval, cancellationToken);
            }
        }
    }
}
