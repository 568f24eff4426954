using System.Collections.Concurrent;
using Platform.ServiceDefaults.Messaging;
using ServiceDefaults.Tests.Data;

namespace ServiceDefaults.Tests.Messaging;

public sealed record NoteCreated(Guid NoteId, bool Flaky = false);

/// <summary>How many times each note's event should fail before it succeeds, and how many attempts it saw.</summary>
public sealed class FailurePlan
{
    public int FailuresPerFlakyNote { get; set; } = 2;
    public ConcurrentDictionary<Guid, int> Attempts { get; } = new();
    /// <summary>Notes whose event fails every time, for as long as they are here.</summary>
    public ConcurrentDictionary<Guid, bool> Poisoned { get; } = new();
}

public sealed class NoteCreatedConsumer(TestDbContext db, TimeProvider time, FailurePlan plan)
    : InboxConsumer<NoteCreated, TestDbContext>(db, time)
{
    protected override Task HandleAsync(NoteCreated message, CancellationToken cancellationToken)
    {
        var attempt = plan.Attempts.AddOrUpdate(message.NoteId, 1, (_, n) => n + 1);
        if (message.Flaky && attempt <= plan.FailuresPerFlakyNote)
        {
            throw new TimeoutException($"Simulated transient failure {attempt} for {message.NoteId}.");
        }
        if (plan.Poisoned.ContainsKey(message.NoteId))
        {
            throw new InvalidOperationException($"Note {message.NoteId} cannot be applied.");
        }
        Db.ReceivedNotes.Add(new ReceivedNote { NoteId = message.NoteId });
        return Task.CompletedTask;
    }
}
