using System.Reflection;
using Platform.Hosting.Processes;

namespace Platform.Hosting;

/// <summary>
/// A .NET project of this repository, run from its build output with <c>dotnet</c> in its own folder
/// (so its appsettings.json is found), configured only through environment variables.
/// </summary>
public sealed class ProjectResource : ExecutableResource
{
    private const string TargetFramework = "net10.0";

    internal ProjectResource(string name, string projectPath, HostingContext context)
        : base(name, "dotnet", Path.Combine(context.RepositoryRoot, projectPath), [AssemblyPath(context.RepositoryRoot, projectPath)], context)
    {
    }

    public override string Type => "Project";

    /// <summary>The configuration the AppHost itself was built in (Debug or Release).</summary>
    private static string BuildConfiguration =>
        typeof(ProjectResource).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private protected override ProcessSpec CreateProcessSpec() => File.Exists(Arguments[0])
        ? base.CreateProcessSpec()
        : throw new InvalidOperationException($"{Arguments[0]} does not exist: run `dotnet build` first.");

    /// <summary>Aspire's conventions: the URLs to listen on, the environment name, telemetry identity.</summary>
    private protected override void AddDefaultEnvironment(IDictionary<string, string?> variables)
    {
        variables["ASPNETCORE_ENVIRONMENT"] = Context.Configuration["Environment"] ?? "Development";
        variables["OTEL_SERVICE_NAME"] = Name;
        if (H2cUrl is { } h2c)
        {
            // Two endpoints, one of them HTTP/2 only, as Aspire writes them for an endpoint with transport http2.
            variables["Kestrel__Endpoints__http__Url"] = Url;
            variables["Kestrel__Endpoints__h2c__Url"] = h2c;
            variables["Kestrel__Endpoints__h2c__Protocols"] = "Http2";
        }
        else if (Url is { } url)
        {
            variables["ASPNETCORE_URLS"] = url;
        }

        if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } collector)
        {
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector;
        }
    }

    // The Hosting library is built with the AppHost, in the same configuration.
    private static string AssemblyPath(string root, string projectPath) =>
        Path.Combine(root, projectPath, "bin", BuildConfiguration, TargetFramework, $"{Path.GetFileName(projectPath)}.dll");
}
