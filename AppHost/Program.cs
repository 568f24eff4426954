using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

// Projects run from their build output, not through `dotnet run` (ProjectLauncher says why).
ProjectLauncher.RunBuildOutputDirectly();

// --no-redis is a switch; configuration takes key=value pairs.
var builder = DistributedApplication.CreateBuilder([.. args.Select(arg => arg == "--no-redis" ? "--NoRedis=true" : arg)])
    // Aspire notices a resource passing its health checks within 0.1 s rather than seconds later (PromptReadiness says why).
    .WithPromptReadiness()
    // The dashboard on workstation GC, as every project of ours (docs/runtime.md).
    .WithSmallDashboard();
// --replicas N runs every service N times; the gateway balances over the instances that pass their health checks.
var replicas = Math.Max(1, builder.Configuration.GetValue("Replicas", 1));
// A published model is for a deployment: never the development outbox, administrator or upstream simulator.
var development = builder.Environment.IsDevelopment() && !builder.ExecutionContext.IsPublishMode;

// Infrastructure: one PostgreSQL server with a database (and a role) per service, Redis (optional), RabbitMQ.
var postgres = builder.AddPostgresServer("postgres", Port("postgres"));
var identitydb = postgres.AddServiceDatabase("identitydb");
var usersdb = postgres.AddServiceDatabase("usersdb");
var pooldb = postgres.AddServiceDatabase("pooldb");
var promodb = postgres.AddServiceDatabase("promodb");
var cache = builder.AddRedisServer("cache", Port("cache")); // null with --no-redis: services use their memory cache
var messaging = builder.AddRabbitMQServer("messaging", Port("messaging"));

// Keys, derived from .data/keys (a published model asks the deployment for them). The gateway alone signs internal
// JWTs; services only verify them.
var signingKey = builder.AddGeneratedSecret("internal-jwt-signing-key", keys => Convert.ToBase64String(keys.SigningKey("internal-jwt").ExportPkcs8PrivateKey()));
var verificationKey = builder.AddGeneratedSecret("internal-jwt-public-key", keys => Convert.ToBase64String(keys.SigningKey("internal-jwt").ExportSubjectPublicKeyInfo()));

var identitySecret = Secret("identity-secret");
var identity = AddService<Projects.Identity_Api>("identity", 5101, identitydb, i => i.WithEnvironment("Identity__SecretKey", identitySecret));
var users = AddService<Projects.Users_Api>("users", 5102, usersdb);
var pool = AddService<Projects.Pool_Api>("pool", 5103, pooldb);
// The payment provider signs its callbacks to promo with this shared secret (HMAC-SHA256).
var paymentSecret = Secret("promo-payment-secret");
var promo = AddService<Projects.Promo_Api>("promo", 5104, promodb, i => i.WithEnvironment("Promo__PaymentSecret", paymentSecret));

// The gateway: the one external endpoint. It resolves credentials through identity, caches the answers (dropping
// them on revocation events) and forwards an internal ES256 JWT.
var gateway = builder.AddProject<Projects.Gateway>("gateway")
    .WithLoopbackHttpEndpoint(Port("gateway", 5080))
    .WithServiceHealthCheck()
    .WithExternalHttpEndpoints()
    // Clients' X-Forwarded-* headers are never believed (trusted proxies are the gateway's own setting).
    .DisableForwardedHeaders()
    .WithPlatformDefaults(builder.Environment)
    .WithEnvironment("InternalAuth__SigningKey", signingKey)
    // The gateway starts beside the services rather than after them: its /health is 200 only once every service
    // answers, so it is healthy (what a WaitFor on it and the tests wait for) only with all of them up. It does wait
    // for the broker: its subscription to revocation events must exist before it caches any credential.
    .WithServiceInstances("identity", identity)
    .WithServiceInstances("users", users)
    .WithServiceInstances("pool", pool)
    .WithServiceInstances("promo", promo)
    .WithReference(messaging).WaitFor(messaging)
    // Runtime settings read from the environment only (docs/gateway.md): a larger young generation, as every proxied
    // request allocates a few KB, and socket completions run inline. Nothing in the gateway may block.
    .WithEnvironment("DOTNET_GCgen0size", "0x2000000")
    .WithEnvironment("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
if (cache is not null)
{
    gateway.WithReference(cache);
}

if (development)
{
    // Codes can be read back at /api/identity/dev/outbox and this address is an administrator; pages on the gateway's
    // own origin may create cookie sessions, and OAuth providers send the browser back to the gateway.
    var gatewayUrl = ReferenceExpression.Create($"http://127.0.0.1:{gateway.GetEndpoint("http").Property(EndpointProperty.Port)}");
    var localhostUrl = ReferenceExpression.Create($"http://localhost:{gateway.GetEndpoint("http").Property(EndpointProperty.Port)}");
    foreach (var instance in identity)
    {
        instance.WithEnvironment("Identity__DevOutbox", "true")
                .WithEnvironment("Identity__Admins__0", "admin@example.test")
                .WithEnvironment("Identity__AllowedOrigins__0", localhostUrl)
                .WithEnvironment("Identity__AllowedOrigins__1", gatewayUrl)
                .WithEnvironment("Identity__OAuth__PublicBaseUrl", gatewayUrl);
    }
    // Mothers live in pool's upstream simulator (any token not starting with "invalid").
    foreach (var instance in pool)
    {
        instance.WithEnvironment("Upstream__Mode", "simulator");
    }
}

builder.Build().Run();

// A service's instances: the first is named after the service (and keeps its fixed port), the others name-2, name-3
// on free ports; all report their telemetry as the service.
IReadOnlyList<IResourceBuilder<ProjectResource>> AddService<TProject>(string name, int port, IResourceBuilder<IResourceWithConnectionString> database,
    Action<IResourceBuilder<ProjectResource>>? configure = null)
    where TProject : IProjectMetadata, new()
{
    var keyEncryptionKey = Secret($"{name}-key-encryption-key");
    return [.. Enumerable.Range(1, replicas).Select(n =>
    {
        var service = builder.AddProject<TProject>(n == 1 ? name : $"{name}-{n}")
            .WithLoopbackHttpEndpoint(n == 1 ? Port(name, port) : null)
            .WithH2cEndpoint(n == 1 ? Port($"{name}-h2c") : null)
            .WithServiceHealthCheck()
            .WithPlatformDefaults(builder.Environment)
            .WithEnvironment("OTEL_SERVICE_NAME", name)
            .WithEnvironment("DataProtection__KeyEncryptionKey", keyEncryptionKey)
            .WithEnvironment("InternalAuth__PublicKey", verificationKey)
            .WithReference(database).WaitFor(database)
            // Not waiting for the broker: services start while RabbitMQ boots (the bus connects when it can, and health
            // is Degraded until then); the gateway waits for both, so the platform opens with its broker up.
            .WithReference(messaging);
        if (cache is not null) service.WithReference(cache);
        configure?.Invoke(service);
        return service;
    })];
}

IResourceBuilder<ParameterResource> Secret(string name) => builder.AddGeneratedSecret(name, keys => keys.Key(name));

// Ports__<resource> (--Ports:gateway=6080) moves a port; 0 lets the orchestrator choose a free one.
int? Port(string name, int? fallback = null) =>
    builder.Configuration.GetValue<int?>($"Ports:{name}") is { } port ? (port == 0 ? null : port) : fallback;
