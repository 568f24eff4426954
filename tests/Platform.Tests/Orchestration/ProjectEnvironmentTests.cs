using Platform.Hosting;

namespace Platform.Tests.Orchestration;

/// <summary>What a project is given is all it gets: Aspire's variable names, nothing else.</summary>
public sealed class ProjectEnvironmentTests
{
    [Fact]
    public void Project_gets_its_references_urls_and_identity_as_Aspire_variables()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Ephemeral = true,
            Args = ["--no-redis", "--Ports:identity=6101", "--Environment=Staging"],
        });
        var postgres = builder.AddPostgres("postgres");
        var identitydb = postgres.AddDatabase("identitydb");
        var cache = builder.AddRedis("cache");
        var messaging = builder.AddRabbitMQ("messaging");
        var identity = builder.AddProject("identity", "services/identity/Identity.Api")
            .WithHttpEndpoint(port: 5101)
            .WithReference(identitydb).WithReference(cache).WithReference(messaging)
            .WithEnvironment("Feature__Flag", "on");
        var gateway = builder.AddProject("gateway", "gateway/Gateway").WithHttpEndpoint(port: 5080).WithReference(identity);

        var variables = identity.Resource.BuildEnvironment();

        Assert.Equal(identitydb.Resource.ConnectionString, variables["ConnectionStrings__identitydb"]);
        Assert.Equal($"amqp://guest:guest@127.0.0.1:{messaging.Resource.Port}", variables["ConnectionStrings__messaging"]);
        Assert.False(variables.ContainsKey("ConnectionStrings__cache")); // disabled: the service falls back to memory
        Assert.Equal("http://127.0.0.1:6101", variables["ASPNETCORE_URLS"]);
        Assert.Equal("Staging", variables["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("identity", variables["OTEL_SERVICE_NAME"]);
        Assert.Equal("on", variables["Feature__Flag"]);
        Assert.Equal("http://127.0.0.1:6101", gateway.Resource.BuildEnvironment()["services__identity__http__0"]);
        Assert.NotEqual(5080, gateway.Resource.Port); // ephemeral: a free port unless configured
    }

    [Fact]
    public void Connection_strings_of_the_AppHost_itself_do_not_leak_into_projects()
    {
        Environment.SetEnvironmentVariable("ConnectionStrings__leaked", "Host=elsewhere");
        try
        {
            var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Ephemeral = true });
            var project = builder.AddProject("identity", "services/identity/Identity.Api").Resource;

            var variables = project.BuildEnvironment();

            Assert.True(variables.ContainsKey("ConnectionStrings__leaked"));
            Assert.Null(variables["ConnectionStrings__leaked"]); // null: removed from the inherited environment
        }
        finally
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__leaked", null);
        }
    }
}
