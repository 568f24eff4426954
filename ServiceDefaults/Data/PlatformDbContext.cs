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
    public DbSet<FailedMessage> FailedMessages => Set<FailedMessage>();
    public DbSet<AuditLog> AuditLogs => Set<AuditLog>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<SessionEntry> Sessions => Set<SessionEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.Property(m => m.Payload).HasColumnType("jsonb");
            e.Property(m => m.MessageType).HasMaxLength(300);
            // The dispatcher only ever looks for what is still to send; operators for what was parked.
            e.HasIndex(m => m.CreatedAt).HasFilter("dispatched_at IS NULL AND parked_at IS NULL");
            e.HasIndex(m => m.ParkedAt).HasFilter("parked_at IS NOT NULL");
        });
        modelBuilder.Entity<FailedMessage>(e =>
        {
            e.Property(m => m.Endpoint).HasMaxLength(200);
            e.Property(m => m.MessageType).HasMaxLength(300);
            e.Property(m => m.Payload).HasColumnType("jsonb");
            e.HasIndex(m => new { m.Endpoint, m.MessageId }).IsUnique();
            e.HasIndex(m => m.LastFailedAt);
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
    /// <summary>Failed attempts the row itself caused (it could not be loaded, or the broker refused it); broker outages are not counted.</summary>
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    /// <summary>
    /// Set when the row failed <c>Outbox:MaxAttempts</c> times: it is no longer tried, and no longer holds up the rows
    /// behind it, until an operator replays it (<c>POST .../admin/messages/outbox/{id}/replay</c>).
    /// </summary>
    public DateTimeOffset? ParkedAt { get; set; }
    /// <summary>W3C trace parent of the request that wrote it, so the publish joins that trace.</summary>
    public string? TraceParent { get; set; }
}

/// <summary>
/// A message a consumer failed on through all its retries, kept for an operator to look at and replay
/// (<c>.../admin/messages/failed</c>) instead of sitting unseen in a broker error queue. One row per (endpoint,
/// message id): failing again after a replay updates it.
/// </summary>
public sealed class FailedMessage
{
    public Guid Id { get; set; }
    /// <summary>The receive endpoint (queue) whose consumer failed: a replay is sent back there.</summary>
    public required string Endpoint { get; set; }
    public Guid MessageId { get; set; }
    public required string MessageType { get; set; }
    public required string Payload { get; set; }
    public required string Error { get; set; }
    /// <summary>How many times it failed all its retries (once, plus once per replay that failed again).</summary>
    public int Failures { get; set; }
    public DateTimeOffset FirstFailedAt { get; set; }
    public DateTimeOffset LastFailedAt { get; set; }
    /// <summary>When an operator last sent it back to its endpoint; cleared when it fails again.</summary>
    public DateTimeOffset? ReplayedAt { get; set; }
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
