using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Platform.LocalServers;

public static class SecretExtensions
{
    /// <summary>
    /// A secret parameter whose value the AppHost derives from its key ring, stable as long as the data directory is
    /// kept. A published model leaves it as an input for the deployment to supply.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name, Func<KeyRing, string> value)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddParameter(name, secret: true);
        }
        var keys = LocalServerSettings.From(builder).Keys;
        return builder.AddParameter(name, () => value(keys), secret: true);
    }
}
