using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Messaging;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>Health check name of the broker: down means Degraded (still 200), never Unhealthy.</summary>
    public const string BrokerCheckName = "messaging";

    /// <summary>How often a consumer is retried after its first attempt fails.</summary>
    public const int ConsumerRetries = 5;

    /// <summary>
    /// MassTransit over RabbitMQ from <c>ConnectionStrings:{name}</c> (<c>amqp://user:pass@host:port/vhost</c>).
    /// The bus connects in the background and keeps retrying, so a broker outage never blocks start-up.
    /// Receive endpoints are named after the service, so each service gets its own copy of an event. Events are
    /// written to the outbox of <typeparamref name="TContext"/> and published by the outbox dispatcher; a row that
    /// keeps failing is parked, and a message a consumer fails on through every retry is kept in
    /// <c>failed_messages</c>: both are counted and listed for operators (<see cref="MessageAdminEndpoints"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TContext>(
        this IHostApplicationBuilder builder, string connectionName, Action<IBusRegistrationConfigurator>? configure = null)
        where TContext : PlatformDbContext
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.TryAddSingleton<MessagingMetrics>();
        builder.Services.TryAddSingleton<FailedMessageRecorder, FailedMessageRecorder<TContext>>();
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.AddScoped<MessageAdmin<TContext>>();
        if (builder.AddMessaging(connectionName, configure, (context, rabbit) => rabbit.UseConsumeFilter(typeof(FailedMessageFilter<>), context)))
        {
            builder.Services.AddHostedService<OutboxDispatcher<TContext>>();
        }
        return builder;
    }

    /// <summary>
    /// The bus alone, for a process without a database (the gateway): it consumes events but publishes none.
    /// Returns false when no broker is configured.
    /// </summary>
    public static bool AddMessaging(
        this IHostApplicationBuilder builder, string connectionName, Action<IBusRegistrationConfigurator>? configure = null) =>
        builder.AddMessaging(connectionName, configure, null);

    private static bool AddMessaging(
        this IHostApplicationBuilder builder, string connectionName, Action<IBusRegistrationConfigurator>? configure,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureFilters)
    {
        if (builder.Configuration.GetConnectionString(connectionName) is not { Length: > 0 } connectionString)
        {
            builder.Services.AddHealthChecks().AddCheck(BrokerCheckName,
                () => HealthCheckResult.Degraded($"No broker configured (ConnectionStrings__{connectionName})."));
            return false;
        }

        var service = ServiceIdentity.From(builder);
        var broker = new Uri(connectionString);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(service.Name, includeNamespace: false));
            bus.ConfigureHealthCheckOptions(o =>
            {
                o.Name = BrokerCheckName;
                o.MinimalFailureStatus = HealthStatus.Degraded;
            });
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, (ushort)(broker.IsDefaultPort ? 5672 : broker.Port), VirtualHost(broker), host =>
                {
                    var (user, password) = Credentials(broker);
                    host.Username(user);
                    host.Password(password);
                });
                configureFilters?.Invoke(context, rabbit);
                // Transient failures are retried; the inbox makes the retried effect happen once.
                rabbit.UseMessageRetry(r => r.Exponential(ConsumerRetries, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200)));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return true;
    }

    private static string VirtualHost(Uri broker) =>
        broker.AbsolutePath.Trim('/') is { Length: > 0 } vhost ? Uri.UnescapeDataString(vhost) : "/";

    private static (string User, string Password) Credentials(Uri broker)
    {
        var parts = broker.UserInfo.Split(':', 2);
        return parts.Length == 2 && parts[0].Length > 0
            ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]))
            : ("guest", "guest");
    }
}
