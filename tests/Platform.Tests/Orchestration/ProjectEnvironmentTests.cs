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
        Assert.False(gateway.Resource.BuildEnvironment().ContainsKey("services__identity__h2c__0")); // identity serves no h2c here
    }

    [Fact]
    public void A_project_with_an_h2c_endpoint_listens_on_both_and_its_dependants_get_both_urls()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Ephemeral = true,
            Args = ["--Ports:identity=6101", "--Ports:identity-h2c=6111"],
        });
        var identity = builder.AddProject("identity", "services/identity/Identity.Api").WithHttpEndpoint(port: 5101).WithH2cEndpoint();
        var gateway = builder.AddProject("gateway", "gateway/Gateway").WithHttpEndpoint(port: 5080).WithReference(identity);

        var variables = identity.Resource.BuildEnvironment();
        var dependant = gateway.Resource.BuildEnvironment();

        // Kestrel's named endpoints replace ASPNETCORE_URLS, which cannot say which port speaks HTTP/2 only.
        Assert.False(variables.ContainsKey("ASPNETCORE_URLS"));
        Assert.Equal("http://127.0.0.1:6101", variables["Kestrel__Endpoints__http__Url"]);
        Assert.Equal("http://127.0.0.1:6111", variables["Kestrel__Endpoints__h2c__Url"]);
        Assert.Equal("Http2", variables["Kestrel__Endpoints__h2c__Protocols"]);
        Assert.Equal("http://127.0.0.1:6101", dependant["services__identity__http__0"]);
        Assert.Equal("http://127.0.0.1:6111", dependant["services__identity__h2c__0"]);
        Assert.Equal("http://127.0.0.1:6101", identity.Resource.Url); // health probes and the table keep HTTP/1.1
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
