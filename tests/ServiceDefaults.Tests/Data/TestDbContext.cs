using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Data;

namespace ServiceDefaults.Tests.Data;

/// <summary>A service database as the platform shapes it, with two tables of its own to put effects in.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : PlatformDbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();
    public DbSet<ReceivedNote> ReceivedNotes => Set<ReceivedNote>();
}

public sealed class Note
{
    public Guid Id { get; set; }
    public required string Text { get; set; }
}

/// <summary>One row per applied event: a consumer that applied one twice would leave two.</summary>
public sealed class ReceivedNote
{
    public long Id { get; set; }
    public Guid NoteId { get; set; }
}

internal sealed class TestDbContextFactory : IDesignTimeDbContextFactory<TestDbContext>
{
    public TestDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TestDbContext>();
        DatabaseExtensions.ConfigureNpgsql(options);
        return new(options.Options);
    }
}

public static class TestDatabase
{
    /// <summary>A fresh database with the test context's migrations applied; returns its connection string.</summary>
    public static async Task<string> CreateMigratedAsync(ServersFixture servers, string prefix)
    {
        var connectionString = await servers.CreateDatabaseAsync(prefix);
        var options = new DbContextOptionsBuilder<TestDbContext>();
        DatabaseExtensions.ConfigureNpgsql(options).UseNpgsql(connectionString);
        await using var db = new TestDbContext(options.Options);
        await db.Database.MigrateAsync();
        return connectionString;
    }
}
