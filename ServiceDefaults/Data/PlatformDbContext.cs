using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Sessions;

namespace Platform.ServiceDefaults.Data;

/// <summary>
/// Base of every service's DbContext: the tables the platform itself needs in each service database
/// (outbox, inbox, audit log, sessions, Data Protection keys) beside the service's own.
/// </summary>
public abstract class PlatformDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();
    public DbSet<AuditLog> AuditLogs => Set<AuditLog>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<SessionEntry> Sessions => Set<SessionEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.Property(m => m.Payload).HasColumnType("jsonb");
            e.Property(m => m.MessageType).HasMaxLength(300);
            // The dispatcher only ever looks for what is still to send.
            e.HasIndex(m => m.CreatedAt).HasFilter("dispatched_at IS NULL");
        });
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.HasKey(m => new { m.Consumer, m.MessageId });
            e.Property(m => m.Consumer).HasMaxLength(200);
        });
        modelBuilder.Entity<SessionEntry>(e =>
        {
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(200);
            e.HasIndex(x => x.ExpiresAt);
        });
        modelBuilder.Entity<AuditLog>(e =>
        {
            e.Property(a => a.Before).HasColumnType("jsonb");
            e.Property(a => a.After).HasColumnType("jsonb");
            e.HasIndex(a => new { a.Entity, a.EntityId });
            e.HasIndex(a => a.At);
        });
    }
}

/// <summary>An integration event written in the same transaction as the change that caused it.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public required string MessageType { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    /// <summary>W3C trace parent of the request that wrote it, so the publish joins that trace.</summary>
    public string? TraceParent { get; set; }
}

/// <summary>Proof that a consumer applied a message: written in the same transaction as the effect.</summary>
public sealed class InboxMessage
{
    public required string Consumer { get; set; }
    public Guid MessageId { get; set; }
    public DateTimeOffset ProcessedAt { get; set; }
}

/// <summary>Who changed what as an admin, with the state before and after.</summary>
public sealed class AuditLog
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public string? ActorIp { get; set; }
    public required string Action { get; set; }
    public required string Entity { get; set; }
    public string? EntityId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}
