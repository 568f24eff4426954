using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Platform.LocalServers;

/// <summary>
/// Runtime settings of the Aspire dashboard, a .NET process that Aspire adds to the model itself just before the start
/// (so it cannot be configured where the topology is declared). It ships with server GC, one heap per core and larger
/// budgets; on a small machine beside a dozen other processes workstation GC holds less memory for the same telemetry
/// (docs/runtime.md).
/// </summary>
public static class DashboardRuntime
{
    private const string DashboardName = "aspire-dashboard";

    public static IDistributedApplicationBuilder WithSmallDashboard(this IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>((e, _) =>
        {
            if (e.Resource.Name == DashboardName && !e.Resource.Annotations.OfType<DashboardRuntimeAnnotation>().Any())
            {
                e.Resource.Annotations.Add(new DashboardRuntimeAnnotation());
                e.Resource.Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
                {
                    environment["DOTNET_gcServer"] = "0";
                    // The dashboard's hot path is receiving telemetry; dynamic PGO's instrumented copies cost memory.
                    environment["DOTNET_TieredPGO"] = "0";
                }));
            }
            return Task.CompletedTask;
        });
        return builder;
    }

    private sealed class DashboardRuntimeAnnotation : IResourceAnnotation;
}
