using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.LocalServers;

public static class RedisBuilderExtensions
{
    /// <summary>
    /// Redis for the model, or null: the server in <c>ConnectionStrings:{name}</c> when one is given, Aspire's Redis
    /// container resource when publishing, otherwise a local server this AppHost runs; null (no Redis at all: services
    /// use their memory cache) when <c>NoRedis</c> is set or redis-server is not installed.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString>? AddRedisServer(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddRedis(name);
        }
        if (builder.Configuration.GetValue<bool>("NoRedis"))
        {
            return null;
        }
        if (builder.Configuration.GetConnectionString(name) is not null)
        {
            return builder.AddConnectionString(name);
        }
        return Binaries.OnPath("redis-server") ? builder.AddLocalRedis(name, port) : null;
    }

    /// <summary>A Redis server run by this AppHost; data under <c>{DataDirectory}/{name}</c> unless throwaway.</summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        var settings = LocalServerSettings.From(builder);
        var password = builder.AddGeneratedSecret($"{name}-password", keys => keys.Password($"redis:{name}"));
        var redis = new LocalRedisResource(name, settings.Folder(name), password.Resource);
        string? connectionString = null;
        var check = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException($"{name} has not started."), name: check);

        return builder.AddResource(redis)
            .WithEndpoint(port: port, name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithIconName("Memory")
            .WithArgs(context =>
            {
                context.Args.Add(redis.ConfigFile);
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(check)
            .OnConnectionStringAvailable(async (r, _, ct) => connectionString = await r.ConnectionStringExpression.GetValueAsync(ct))
            .OnBeforeResourceStarted(async (r, _, ct) =>
            {
                Directory.CreateDirectory(r.WorkingDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                // Kept data is snapshotted (Redis's default); throwaway data is never written.
                var persistence = settings.Throwaway ? "save \"\"\nappendonly no" : "appendonly no";
                var secret = await r.Password.GetValueAsync(ct);
                File.Delete(r.ConfigFile);
                await File.WriteAllTextAsync(r.ConfigFile, $"""
                    bind 127.0.0.1
                    requirepass "{secret}"
                    daemonize no
                    dir "{r.WorkingDirectory}"
                    {persistence}

                    """, ct);
                File.SetUnixFileMode(r.ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            });
    }
}
