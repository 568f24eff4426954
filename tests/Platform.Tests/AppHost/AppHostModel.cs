using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.Tests.AppHost;

/// <summary>The AppHost's model as <c>./run.sh</c> (or a publish) builds it, read without starting anything.</summary>
internal static class AppHostModel
{
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(params string[] args) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([.. args, "--ThrowawayData=true"]);

    public static Task<IDistributedApplicationTestingBuilder> PublishedAsync() =>
        CreateAsync("--operation", "publish", "--publisher", "manifest", "--output-path", Path.GetTempPath());

    public static IResource Resource(this IDistributedApplicationTestingBuilder model, string name) =>
        model.Resources.Single(r => r.Name == name);

    /// <summary>The variables a project gets, as the expressions a published model would show.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> EnvironmentAsync(this IDistributedApplicationTestingBuilder model, string project)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(model.Resource(project))
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, default);
        return configuration.EnvironmentVariables.ToDictionary();
    }
}
