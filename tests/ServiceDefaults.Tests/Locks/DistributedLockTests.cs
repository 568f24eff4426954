using Medallion.Threading;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Tests.Locks;

/// <summary>Two service instances (two DI roots) contend for one lock: mutual exclusion holds on both back-ends.</summary>
[Collection(ServersCollection.Name)]
public sealed class DistributedLockTests(ServersFixture servers)
{
    [Theory]
    [InlineData("redis", typeof(RedisDistributedSynchronizationProvider))]
    [InlineData("postgres", typeof(PostgresDistributedSynchronizationProvider))]
    public async Task Two_instances_never_hold_the_same_lock_at_once(string provider, Type expected)
    {
        var database = await servers.CreateDatabaseAsync("locks");
        using var first = LockHost(provider, database);
        using var second = LockHost(provider, database);
        var locks = new[] { first, second }.Select(h => h.Services.GetRequiredService<IDistributedLockProvider>()).ToArray();
        Assert.All(locks, l => Assert.IsType(expected, l));

        var name = ServersFixture.Unique("critical");
        int inside = 0, mostInside = 0, entries = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await using var handle = await locks[worker % 2].AcquireLockAsync(name, TimeSpan.FromSeconds(30));
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref mostInside, now);
                await Task.Delay(1); // hold it across an await, as real work does
                Interlocked.Decrement(ref inside);
                Interlocked.Increment(ref entries);
            }
        })));

        Assert.Equal(1, mostInside);
        Assert.Equal(80, entries);
    }

    [Fact]
    public async Task A_lock_held_by_one_instance_is_not_granted_to_the_other()
    {
        var database = await servers.CreateDatabaseAsync("locks");
        using var first = LockHost("postgres", database);
        using var second = LockHost("postgres", database);
        var name = ServersFixture.Unique("held");
        await using var held = await first.Services.GetRequiredService<IDistributedLockProvider>().AcquireLockAsync(name);
        var other = second.Services.GetRequiredService<IDistributedLockProvider>();
        await using (var attempt = await other.TryAcquireLockAsync(name, TimeSpan.FromMilliseconds(200)))
        {
            Assert.Null(attempt);
        }
        await held.DisposeAsync();
        await using var after = await other.TryAcquireLockAsync(name, TimeSpan.FromSeconds(5));
        Assert.NotNull(after);
    }

    private IHost LockHost(string provider, string database)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:cache"] = servers.RedisConnectionString;
        builder.Configuration["ConnectionStrings:locksdb"] = database;
        builder.Configuration["Locks:Provider"] = provider;
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddCaching();
        builder.AddDistributedLocks("locksdb");
        return builder.Build();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
