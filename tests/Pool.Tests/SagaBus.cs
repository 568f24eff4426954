using System.Collections.Concurrent;
using MassTransit;
using Platform.Contracts.Pool;

namespace Pool.Tests;

/// <summary>
/// A MassTransit bus on a stack's vhost, as users would be: it publishes redemption events (and promo's relay
/// purchases) and collects pool's answers and relay plan changes on its own queue.
/// </summary>
public sealed class SagaBus : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private SagaBus(IBusControl bus) => _bus = bus;

    public ConcurrentQueue<object> Answers { get; } = new();

    public static async Task<SagaBus> StartAsync(string connectionString)
    {
        SagaBus? self = null;
        var bus = await Platform.Testing.TestBus.StartAsync(connectionString, rabbit => rabbit.ReceiveEndpoint("pool-tests-answers", e =>
        {
            e.Handler<SeatAllocated>(c => Collect(self!, c.Message));
            e.Handler<SeatAllocationFailed>(c => Collect(self!, c.Message));
            e.Handler<SeatAllocationCancelled>(c => Collect(self!, c.Message));
            e.Handler<RelayPlanChanged>(c => Collect(self!, c.Message));
        }));
        self = new SagaBus(bus);
        return self;
    }

    private static Task Collect(SagaBus bus, object message)
    {
        bus.Answers.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        _bus.Publish(message, context => context.MessageId = messageId ?? Guid.NewGuid());

    /// <summary>The first answer of type <typeparamref name="T"/> matching, within the timeout (null if none came).</summary>
    public async Task<T?> WaitForAsync<T>(Func<T, bool> match, TimeSpan? timeout = null) where T : class
    {
        T? found = null;
        await Eventually.TrueAsync(() => (found = Answers.OfType<T>().FirstOrDefault(match)) is not null, timeout ?? TimeSpan.FromSeconds(20));
        return found;
    }

    public IEnumerable<object> For(Guid redemptionId) => Answers.Where(a => a switch
    {
        SeatAllocated s => s.RedemptionId == redemptionId,
        SeatAllocationFailed f => f.RedemptionId == redemptionId,
        SeatAllocationCancelled c => c.RedemptionId == redemptionId,
        _ => false,
    });

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
