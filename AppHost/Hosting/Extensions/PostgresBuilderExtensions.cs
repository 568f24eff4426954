namespace Platform.Hosting;

public static class PostgresBuilderExtensions
{
    /// <summary>A PostgreSQL server; <c>ConnectionStrings:&lt;name&gt;</c> in configuration uses an existing one instead.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddResource(new PostgresServerResource(name, port, builder.Context));

    /// <summary>A database with its own owner role; it starts once the server runs.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server, string name) =>
        server.ApplicationBuilder.AddResource(new PostgresDatabaseResource(name, server.Resource, server.ApplicationBuilder.Context));
}
