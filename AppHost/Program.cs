using Platform.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// The key pair of the gateway's internal JWTs (kept under .data/keys): the gateway signs, services verify.
const string InternalSigningKey = "gateway-signing";

// Infrastructure: one PostgreSQL server with a database (and role) per service, optional Redis, RabbitMQ.
var postgres = builder.AddPostgres("postgres");
var identitydb = postgres.AddDatabase("identitydb");
var usersdb = postgres.AddDatabase("usersdb");
var pooldb = postgres.AddDatabase("pooldb");
var promodb = postgres.AddDatabase("promodb");
var cache = builder.AddRedis("cache");
var messaging = builder.AddRabbitMQ("messaging");

// Services: each reaches its own database, the cache and the broker.
var identity = AddService("identity", "services/identity/Identity.Api", 5101, identitydb)
    .WithSecretKey("Identity__SecretKey", "identity-secret");
if (builder.Configuration["Environment"] is null or "Development")
{
    // Development: codes can be read back at /api/identity/dev/outbox, and this address is an administrator.
    identity.WithEnvironment("Identity__DevOutbox", "true").WithEnvironment("Identity__Admins__0", "admin@example.test");
}

var users = AddService("users", "services/users/Users.Api", 5102, usersdb);
var pool = AddService("pool", "services/pool/Pool.Api", 5103, pooldb);
if (builder.Configuration["Environment"] is null or "Development")
{
    // Development: mothers live in pool's in-memory upstream simulator (any token not starting with "invalid").
    pool.WithEnvironment("Upstream__Mode", "simulator");
}
// The payment provider signs its callbacks to promo with this shared secret (HMAC-SHA256).
var promo = AddService("promo", "services/promo/Promo.Api", 5104, promodb)
    .WithSecretKey("Promo__PaymentSecret", "promo-payment");

// The gateway: the one external endpoint. It resolves credentials through identity, caches the answers (dropping
// them on revocation events) and forwards an internal ES256 JWT signed with a key only it holds.
var gateway = builder.AddProject("gateway", "gateway/Gateway")
       .WithHttpEndpoint(port: 5080, external: true)
       .WithSigningKey("InternalAuth__SigningKey", InternalSigningKey)
       .WithReference(identity).WaitFor(identity)
       .WithReference(users).WaitFor(users)
       .WithReference(pool).WaitFor(pool)
       .WithReference(promo).WaitFor(promo)
       .WithReference(cache).WithReference(messaging)
       // Runtime settings the runtime reads from the environment only (docs/gateway.md, bench/gateway). A 32 MB
       // young-generation budget: every proxied request allocates a few KB, and the default budget here (about
       // 2.5 MB) meant some 30 collections a second under load, with all requests paused about 4% of the time.
       // Socket completions run on the socket engine's threads instead of being queued to the thread pool first:
       // one hand-off less per read and write. Nothing in the gateway may block; that would stall the engine.
       .WithEnvironment("DOTNET_GCgen0size", "0x2000000")
       .WithEnvironment("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

if (builder.Configuration["Environment"] is null or "Development")
{
    // A browser page served from the gateway's own address may create cookie sessions, and OAuth providers send
    // the browser back to the gateway (identity sees only the gateway's requests, addressed to itself).
    identity.WithEnvironment("Identity__AllowedOrigins__0", () => $"http://localhost:{gateway.Resource.Port}")
            .WithEnvironment("Identity__AllowedOrigins__1", () => $"http://127.0.0.1:{gateway.Resource.Port}")
            .WithEnvironment("Identity__OAuth__PublicBaseUrl", () => $"http://127.0.0.1:{gateway.Resource.Port}");
}

builder.Build().Run();

IResourceBuilder<ProjectResource> AddService(string name, string path, int port, IResourceBuilder<PostgresDatabaseResource> database) =>
    builder.AddProject(name, path)
           .WithHttpEndpoint(port: port).WithH2cEndpoint()
           .WithReference(database).WithReference(cache).WithReference(messaging)
           .WithSecretKey("DataProtection__KeyEncryptionKey", $"kek:{name}")
           .WithVerificationKey("InternalAuth__PublicKey", InternalSigningKey)
           .WaitFor(database).WaitFor(messaging);
