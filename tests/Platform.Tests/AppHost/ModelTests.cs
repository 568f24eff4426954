using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Hosting;
using Platform.LocalServers;

namespace Platform.Tests.AppHost;

/// <summary>The AppHost's model as <c>./run.sh</c> builds it, read without starting anything.</summary>
public sealed class ModelTests
{
    private static readonly string[] Services = ["identity", "users", "pool", "promo"];

    [Fact]
    public async Task Each_service_gets_its_own_database_the_cache_the_broker_and_only_the_verification_key()
    {
        await using var model = await AppHostModel.CreateAsync();
        foreach (var service in Services)
        {
            var environment = await model.EnvironmentAsync(service);
            Assert.Equal($"{{{service}db.connectionString}}", environment[$"ConnectionStrings__{service}db"]);
            Assert.Equal("{cache.connectionString}", environment["ConnectionStrings__cache"]);
            Assert.Equal("{messaging.connectionString}", environment["ConnectionStrings__messaging"]);
            Assert.Equal("{internal-jwt-public-key.value}", environment["InternalAuth__PublicKey"]);
            Assert.Equal($"{{{service}-key-encryption-key.value}}", environment["DataProtection__KeyEncryptionKey"]);
            Assert.DoesNotContain("InternalAuth__SigningKey", environment.Keys);
            Assert.Single(environment.Keys, key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && key.EndsWith("db", StringComparison.Ordinal));
            Assert.Equal("Http2", environment["Kestrel__Endpoints__h2c__Protocols"]);
        }
    }

    [Fact]
    public async Task Only_the_gateway_signs_and_it_reaches_every_service_over_http_and_h2c_but_no_database()
    {
        await using var model = await AppHostModel.CreateAsync();
        var gateway = await model.EnvironmentAsync("gateway");
        Assert.Equal("{internal-jwt-signing-key.value}", gateway["InternalAuth__SigningKey"]);
        foreach (var service in Services)
        {
            Assert.Equal($"{{{service}.bindings.http.url}}", gateway[$"services__{service}__http__0"]);
            Assert.Equal($"{{{service}.bindings.h2c.url}}", gateway[$"services__{service}__h2c__0"]);
        }
        Assert.DoesNotContain(gateway.Keys, key => key.EndsWith("db", StringComparison.Ordinal));
        Assert.Equal("0x2000000", gateway["DOTNET_GCgen0size"]);
    }

    [Fact]
    public async Task The_servers_are_local_processes_with_a_database_and_role_per_service()
    {
        await using var model = await AppHostModel.CreateAsync();
        Assert.IsType<LocalPostgresResource>(model.Resource("postgres"));
        Assert.IsType<LocalRedisResource>(model.Resource("cache"));
        Assert.IsType<LocalRabbitMQResource>(model.Resource("messaging"));
        foreach (var service in Services)
        {
            var database = Assert.IsType<ServiceDatabaseResource>(model.Resource($"{service}db"));
            Assert.Equal("postgres", database.Server.Name);
            Assert.Equal($"{service}db-password", database.Password.Name);
        }
    }

    [Fact]
    public async Task Without_redis_there_is_no_cache_and_no_service_is_given_one()
    {
        await using var model = await AppHostModel.CreateAsync("--no-redis");
        Assert.DoesNotContain(model.Resources, r => r.Name == "cache");
        foreach (var project in Services.Append("gateway"))
        {
            Assert.DoesNotContain("ConnectionStrings__cache", (await model.EnvironmentAsync(project)).Keys);
        }
    }

    [Fact]
    public async Task Existing_servers_given_as_connection_strings_are_used_instead_of_local_ones()
    {
        await using var model = await AppHostModel.CreateAsync(
            "--ConnectionStrings:postgres=Host=db.internal;Username=admin;Password=secret",
            "--ConnectionStrings:cache=redis.internal:6379",
            "--ConnectionStrings:messaging=amqp://user:pass@mq.internal:5672");
        foreach (var name in new[] { "postgres", "cache", "messaging" })
        {
            Assert.IsNotType<ExecutableResource>(model.Resource(name), exactMatch: false);
            Assert.IsAssignableFrom<IResourceWithConnectionString>(model.Resource(name));
        }
        // Databases still get a role of their own on the existing server.
        var identitydb = Assert.IsType<ServiceDatabaseResource>(model.Resource("identitydb"));
        Assert.Equal("postgres", identitydb.Server.Name);
    }

    [Fact]
    public async Task Publishing_maps_the_servers_to_aspires_official_container_resources()
    {
        await using var model = await AppHostModel.PublishedAsync();
        Assert.Equal("docker.io/library/postgres", Image(model.Resource("postgres")));
        Assert.Equal("docker.io/library/redis", Image(model.Resource("cache")));
        Assert.Equal("docker.io/library/rabbitmq", Image(model.Resource("messaging")));
        Assert.IsType<PostgresDatabaseResource>(model.Resource("identitydb"));
    }

    [Fact]
    public async Task Development_reads_codes_back_and_simulates_the_upstream_and_production_does_neither()
    {
        await using (var development = await AppHostModel.CreateAsync())
        {
            var identity = await development.EnvironmentAsync("identity");
            Assert.Equal("true", identity["Identity__DevOutbox"]);
            Assert.Equal("admin@example.test", identity["Identity__Admins__0"]);
            Assert.Equal("simulator", (await development.EnvironmentAsync("pool"))["Upstream__Mode"]);
            Assert.Equal("Development", identity["ASPNETCORE_ENVIRONMENT"]);
        }
        await using var production = await AppHostModel.CreateAsync("--environment=Production");
        var productionIdentity = await production.EnvironmentAsync("identity");
        Assert.DoesNotContain("Identity__DevOutbox", productionIdentity.Keys);
        Assert.DoesNotContain("Identity__Admins__0", productionIdentity.Keys);
        Assert.DoesNotContain("Upstream__Mode", (await production.EnvironmentAsync("pool")).Keys);
        Assert.Equal("Production", productionIdentity["ASPNETCORE_ENVIRONMENT"]);
    }

    [Fact]
    public async Task A_published_model_is_production_even_from_a_development_apphost()
    {
        await using var published = await AppHostModel.PublishedAsync();
        Assert.Equal(Environments.Development, published.Environment.EnvironmentName);
        var identity = await published.EnvironmentAsync("identity");
        Assert.Equal("Production", identity["ASPNETCORE_ENVIRONMENT"]);
        Assert.DoesNotContain("Identity__DevOutbox", identity.Keys);
        Assert.DoesNotContain("Identity__Admins__0", identity.Keys);
        Assert.DoesNotContain("Upstream__Mode", (await published.EnvironmentAsync("pool")).Keys);
    }

    [Fact]
    public async Task Ports_are_fixed_as_documented_and_zero_lets_the_orchestrator_choose()
    {
        await using (var defaults = await AppHostModel.CreateAsync())
        {
            Assert.Equal(5080, Endpoint(defaults, "gateway", "http").Port);
            Assert.Equal(5101, Endpoint(defaults, "identity", "http").Port);
            Assert.Equal(5104, Endpoint(defaults, "promo", "http").Port);
            Assert.Null(Endpoint(defaults, "identity", "h2c").Port);
            Assert.False(Endpoint(defaults, "identity", "http").IsProxied);
        }
        await using var moved = await AppHostModel.CreateAsync("--Ports:gateway=6080", "--Ports:identity=0");
        Assert.Equal(6080, Endpoint(moved, "gateway", "http").Port);
        Assert.Null(Endpoint(moved, "identity", "http").Port);
    }

    private static EndpointAnnotation Endpoint(IDistributedApplicationTestingBuilder model, string resource, string name) =>
        model.Resource(resource).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == name);

    private static string? Image(IResource resource) =>
        resource.Annotations.OfType<ContainerImageAnnotation>().Single() is var image ? $"{image.Registry}/{image.Image}" : null;
}
