// Jobs per second through the JobRunner (ServiceDefaults/Jobs) with a no-op handler, against a real PostgreSQL
// started from the AppHost's own server resources (the test suite's ServersFixture): N jobs are inserted, then R runner hosts (each its own JobRunner with one
// worker, as R service instances would be) drain them. Prints one line per runner count.
//   dotnet JobsBench.dll [jobs=2000] [runnerCounts=1,2]
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Testing;
using Platform.ServiceDefaults.Jobs;

var jobs = args.Length > 0 ? int.Parse(args[0]) : 2000;
var runnerCounts = (args.Length > 1 ? args[1] : "1,2").Split(',').Select(int.Parse).ToList();

var servers = new ServersFixture();
await servers.InitializeAsync();

// A first, unreported round warms up JIT, connection pools and the server, so the rounds compare like with like.
foreach (var (runners, count, report) in new[] { (1, Math.Min(jobs, 500), false) }.Concat(runnerCounts.Select(r => (r, jobs, true))))
{
    var database = await servers.CreateDatabaseAsync($"jobs_bench_{runners}");
    var hosts = Enumerable.Range(0, runners).Select(_ => BuildHost(database)).ToList();
    await using (var scope = hosts[0].Services.CreateAsyncScope())
    {
        // A throwaway database for the benchmark only: the schema comes straight from the model.
        await scope.ServiceProvider.GetRequiredService<BenchDbContext>().Database.EnsureCreatedAsync();
    }
    await using (var connection = new NpgsqlConnection(database))
    {
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO bench_jobs (id, type, payload, status, attempts, max_attempts, visible_until, total, succeeded, failed, created_at)
            SELECT gen_random_uuid(), 'noop', '{}', 'pending', 0, 3, now(), 0, 0, 0, now() FROM generate_series(1, $1)
            """, connection);
        insert.Parameters.AddWithValue(count);
        await insert.ExecuteNonQueryAsync();
    }

    var clock = Stopwatch.StartNew();
    await Task.WhenAll(hosts.Select(h => h.StartAsync()));
    while (await CountSucceededAsync(database) < count)
    {
        await Task.Delay(20);
    }
    clock.Stop();
    await Task.WhenAll(hosts.Select(h => h.StopAsync()));
    hosts.ForEach(h => h.Dispose());
    if (report) Console.WriteLine($"runners={runners} jobs={jobs} seconds={clock.Elapsed.TotalSeconds:F2} jobs_per_second={jobs / clock.Elapsed.TotalSeconds:F0}");
}

await servers.DisposeAsync();

static IHost BuildHost(string database)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders();
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:benchdb"] = database,
        ["Jobs:Workers"] = "1",
        ["Jobs:PollIntervalMilliseconds"] = "50",
    });
    builder.Services.AddSingleton(TimeProvider.System);
    builder.AddNpgsqlDbContext<BenchDbContext>("benchdb");
    builder.AddJobs<BenchDbContext>("bench");
    builder.Services.AddJobHandler<NoopHandler>("noop");
    return builder.Build();
}

static async Task<long> CountSucceededAsync(string database)
{
    await using var connection = new NpgsqlConnection(database);
    await connection.OpenAsync();
    await using var count = new NpgsqlCommand("SELECT count(*) FROM bench_jobs WHERE status = 'succeeded'", connection);
    return (long)(await count.ExecuteScalarAsync())!;
}

internal sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ConfigureJobs("bench_jobs");
}

internal sealed class NoopHandler : IJobHandler
{
    public string Type => "noop";

    public Task<JobOutcome> HandleAsync(JobExecution job, CancellationToken cancellationToken) => Task.FromResult(JobOutcome.Done);
}
