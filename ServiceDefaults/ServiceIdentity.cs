using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults;

/// <summary>Who this service is: its short name (<c>identity</c>) owns the public path prefix <c>/api/identity</c>.</summary>
public sealed record ServiceIdentity(string Name, string Version, string Environment)
{
    public string ApiPrefix => $"/api/{Name}";

    public static ServiceIdentity From(IHostApplicationBuilder builder)
    {
        var name = builder.Configuration["Service:Name"]
            ?? builder.Environment.ApplicationName.Split('.')[0].ToLowerInvariant();
        var version = typeof(ServiceIdentity).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        return new ServiceIdentity(name, version, builder.Environment.EnvironmentName);
    }
}
