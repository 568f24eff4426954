namespace Platform.Hosting;

public static class ExecutableBuilderExtensions
{
    /// <summary>A project of this repository, e.g. <c>services/identity/Identity.Api</c>, run from its build output.</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this DistributedApplicationBuilder builder, string name, string projectPath) =>
        builder.AddResource(new ProjectResource(name, projectPath, builder.Context));

    /// <summary>Any program, supervised like a project.</summary>
    public static IResourceBuilder<ExecutableResource> AddExecutable(
        this DistributedApplicationBuilder builder, string name, string command, string workingDirectory, params string[] args) =>
        builder.AddResource(new ExecutableResource(name, command, workingDirectory, args, builder.Context));

    /// <summary>
    /// Serves HTTP on 127.0.0.1: on <paramref name="port"/> (a free port when null or in ephemeral
    /// mode; <c>Ports:&lt;name&gt;</c> overrides). External endpoints are announced when the app starts.
    /// </summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, bool external = false)
        where T : ExecutableResource
    {
        builder.Resource.HttpEndpoint = (port, external);
        return builder;
    }

    /// <summary>
    /// Also serves HTTP/2 with prior knowledge (h2c) on a second port, for the gateway: many requests share one
    /// connection, which roughly halves what the service spends per proxied request. Kestrel cannot offer both
    /// protocols on one cleartext port, having no ALPN to choose by.
    /// </summary>
    public static IResourceBuilder<T> WithH2cEndpoint<T>(this IResourceBuilder<T> builder)
        where T : ExecutableResource
    {
        builder.Resource.H2cEndpoint = true;
        return builder;
    }
}
