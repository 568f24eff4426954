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
}
