// Operations per second through ICacheProvider: Redis (get/set/incr with N concurrent callers, one command each,
// no pipelining, like redis-benchmark's default) and the memory provider (gets on one thread).
//   CacheBench redis <connection string> <callers> <seconds>
//   CacheBench memory <seconds>
using System.Diagnostics;
using Platform.ServiceDefaults.Caching;
using StackExchange.Redis;

var mode = args[0];
if (mode == "memory")
{
    var seconds = double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    using var memory = new MemoryCacheProvider(new CacheOptions(), TimeProvider.System);
    for (var i = 0; i < 1000; i++)
    {
        await memory.SetAsync("key:" + i, "value");
    }
    Console.WriteLine($"memory get {MemoryGets(memory, seconds):F0}");
    return;
}

var connection = await ConnectionMultiplexer.ConnectAsync(args[1]);
var callers = int.Parse(args[2]);
var duration = TimeSpan.FromSeconds(double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
var options = new CacheOptions { KeyPrefix = "bench:" };
ICacheProvider redis = new RedisCacheProvider(connection, options, TimeProvider.System);
await redis.SetAsync("key", "xxx");

foreach (var (name, op) in new (string, Func<ValueTask>)[]
{
    ("set", async () => await redis.SetAsync("key", "xxx")),
    ("get", async () => await redis.GetAsync("key")),
    ("incr", async () => await redis.IncrementAsync("counter")),
})
{
    await Run(op, callers, TimeSpan.FromSeconds(1)); // warm-up
    Console.WriteLine($"redis {name} {await Run(op, callers, duration):F0}");
}

static async Task<double> Run(Func<ValueTask> op, int callers, TimeSpan duration)
{
    long count = 0;
    var stopwatch = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
    {
        long mine = 0;
        while (stopwatch.Elapsed < duration)
        {
            await op();
            mine++;
        }
        Interlocked.Add(ref count, mine);
    }));
    await Task.WhenAll(workers);
    return count / stopwatch.Elapsed.TotalSeconds;
}

static double MemoryGets(MemoryCacheProvider memory, double seconds)
{
    var keys = Enumerable.Range(0, 1000).Select(i => "key:" + i).ToArray();
    long count = 0;
    var stopwatch = Stopwatch.StartNew();
    var limit = TimeSpan.FromSeconds(seconds);
    while (stopwatch.Elapsed < limit)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            _ = memory.GetAsync(keys[i]).Result;
        }
        count += keys.Length;
    }
    return count / stopwatch.Elapsed.TotalSeconds;
}
