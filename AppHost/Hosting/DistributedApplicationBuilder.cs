using Microsoft.Extensions.Configuration;

namespace Platform.Hosting;

/// <summary>Declares the resources of an application; <see cref="Build"/> makes it runnable.</summary>
public sealed class DistributedApplicationBuilder
{
    // --no-redis is a flag; the command-line provider only knows key/value pairs.
    private static readonly Dictionary<string, string> SwitchMappings = new() { ["--data-dir"] = "DataDirectory" };
    private readonly List<Resource> resources = [];

    internal DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The AppHost runs its servers as Linux processes.");
        }

        Configuration = new ConfigurationManager();
        Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. options.Args.Select(arg => arg == "--no-redis" ? "--NoRedis=true" : arg)], SwitchMappings);
        Context = new HostingContext(options, Configuration);
    }

    /// <summary>appsettings.json next to the AppHost, environment variables, then the command line.</summary>
    public ConfigurationManager Configuration { get; }

    internal HostingContext Context { get; }

    public DistributedApplication Build() => new(Context, ResourceGraph.StartOrder(resources));

    internal IResourceBuilder<T> AddResource<T>(T resource)
        where T : Resource
    {
        if (resources.Exists(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"A resource named '{resource.Name}' already exists.", nameof(resource));
        }

        resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }
}
