using System.Net.Sockets;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Platform.LocalServers;

public static class RabbitMQBuilderExtensions
{
    /// <summary>
    /// RabbitMQ for the model: the broker in <c>ConnectionStrings:{name}</c> when one is given, Aspire's RabbitMQ
    /// container resource when publishing, otherwise a local node this AppHost runs.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQServer(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddRabbitMQ(name);
        }
        return builder.Configuration.GetConnectionString(name) is not null
            ? builder.AddConnectionString(name)
            : builder.AddLocalRabbitMQ(name, port);
    }

    /// <summary>A RabbitMQ node run by this AppHost, its data under <c>{DataDirectory}/{name}</c>.</summary>
    public static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQ(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        var settings = LocalServerSettings.From(builder);
        var folder = settings.Folder(name);
        var password = builder.AddGeneratedSecret($"{name}-password", keys => keys.Password($"rabbitmq:{name}"));
        var portMapper = builder.AddPortMapper($"{name}-epmd", folder);
        // Mnesia data lives under the node name: keep it stable where the data is kept.
        var nodeName = settings.Throwaway ? $"{name}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}@localhost" : $"{name}@localhost";
        var rabbit = new LocalRabbitMQResource(name, folder, nodeName, password.Resource, portMapper.Resource);
        portMapper.WithParentRelationship(rabbit);

        string? connectionString = null;
        IConnection? connection = null;
        var check = $"{name}_check";
        builder.Services.AddHealthChecks().AddRabbitMQ(async _ => connection ??= await new ConnectionFactory
        {
            Uri = new Uri(connectionString ?? throw new InvalidOperationException($"{name} has not started.")),
        }.CreateConnectionAsync(), name: check);

        return builder.AddResource(rabbit)
            .WithEndpoint(port: port, name: LocalRabbitMQResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(name: LocalRabbitMQResource.DistributionEndpointName, scheme: "tcp", isProxied: false)
            .WithIconName("Mail")
            .WithArgs(context =>
            {
                foreach (var arg in rabbit.Account.Prefix(Binaries.RabbitMQ("rabbitmq-server")))
                {
                    context.Args.Add(arg);
                }
            })
            .WithEnvironment(context =>
            {
                foreach (var (key, value) in rabbit.NodeEnvironment())
                {
                    context.EnvironmentVariables[key] = value;
                }
                var erlangArgs = "+sbwt none +sbwtdcpu none +sbwtdio none -kernel inet_dist_use_interface {127,0,0,1}";
                var variables = new Dictionary<string, object>
                {
                    ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                    ["RABBITMQ_NODE_PORT"] = rabbit.PrimaryEndpoint.Property(EndpointProperty.TargetPort),
                    ["RABBITMQ_DIST_PORT"] = rabbit.DistributionEndpoint.Property(EndpointProperty.TargetPort),
                    ["RABBITMQ_CONFIG_FILE"] = Path.Combine(folder, "rabbitmq.conf"),
                    ["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia"),
                    ["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log"),
                    ["RABBITMQ_LOGS"] = "-",
                    ["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid"),
                    // No plugins: management would claim port 15672 for every node.
                    ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins"),
                    // Makes the start script exec the VM, so the orchestrator's signals reach the node itself.
                    ["RUNNING_UNDER_SYSTEMD"] = "true",
                    // Schedulers that do not busy-wait; throwaway nodes (tests) share two cores with everything else.
                    ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = settings.Throwaway ? $"+S 1:1 {erlangArgs}" : erlangArgs,
                };
                foreach (var (key, value) in variables)
                {
                    context.EnvironmentVariables[key] = value;
                }
            })
            .WaitFor(portMapper)
            .WithHealthCheck(check)
            .OnConnectionStringAvailable(async (r, _, ct) => connectionString = await r.ConnectionStringExpression.GetValueAsync(ct))
            .OnBeforeResourceStarted(async (r, e, ct) =>
            {
                var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(r);
                await r.Account.CreateDirectoryAsync(folder, logger, ct);
                var secret = await r.Password.GetValueAsync(ct);
                // The default user is created on the node's first boot only; guest is not created at all.
                await r.Account.WriteFileAsync(Path.Combine(folder, "rabbitmq.conf"),
                    $"default_user = {LocalRabbitMQResource.UserName}\ndefault_pass = {secret}\n", writable: false, logger, ct);
                await r.Account.WriteFileAsync(Path.Combine(folder, ".erlang.cookie"), settings.Keys.Password($"rabbitmq-cookie:{name}"), writable: false, logger, ct);
                await r.Account.WriteFileAsync(Path.Combine(folder, "enabled_plugins"), "[].", writable: true, logger, ct);
            });
    }

    /// <summary>
    /// The node's own Erlang port mapper, in the foreground on a private port: a node that finds none starts
    /// <c>epmd -daemon</c>, which would outlive the AppHost.
    /// </summary>
    private static IResourceBuilder<ExecutableResource> AddPortMapper(this IDistributedApplicationBuilder builder, string name, string folder)
    {
        ExecutableResource? portMapper = null;
        var check = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(check, async ct =>
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", portMapper!.GetEndpoint(LocalRabbitMQResource.EndpointName).Port, ct);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException ex)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });
        var resource = builder.AddExecutable(name, "epmd", folder)
            .WithEndpoint(name: LocalRabbitMQResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("-port");
                context.Args.Add(portMapper!.GetEndpoint(LocalRabbitMQResource.EndpointName).Property(EndpointProperty.TargetPort));
                context.Args.Add("-address");
                context.Args.Add("127.0.0.1");
            })
            .WithHealthCheck(check)
            .OnBeforeResourceStarted((r, _, _) =>
            {
                Directory.CreateDirectory(r.WorkingDirectory);
                return Task.CompletedTask;
            });
        portMapper = resource.Resource;
        return resource;
    }
}
