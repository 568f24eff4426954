using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Jobs;
using Pool.Api.Data;

namespace Pool.Api.Mothers;

/// <summary>
/// <c>POST /api/pool/mothers/bulk</c>: many mothers from pasted lines or a CSV file's text, one per line
/// (<c>name,email,access token</c>; a header line naming those columns is skipped), added to one group by one job of the
/// pool queue. The job's counts are per line and its <c>lastError</c> names each line that failed and why, so a bad
/// line never holds the others back. Tokens are protected before they are queued, as they are at rest.
/// </summary>
public static class MotherBulkAdd
{
    public const int MaxLines = 500;

    public sealed record BulkAddRequest(Guid? GroupId, int? SeatLimit, string? Lines);

    public sealed record BulkAddAccepted(Guid JobId, bool Created, int Lines);

    internal static async Task<Results<Accepted<BulkAddAccepted>, ValidationProblem>> AcceptAsync(
        BulkAddRequest request, HttpContext http, PoolDbContext db, JobQueue<PoolDbContext> jobs, MotherTokens tokens,
        IOptions<PoolOptions> options, CancellationToken cancellationToken)
    {
        if (request.GroupId is not { } groupId) return Invalid.Field("groupId", "groupId is required.");
        var seatLimit = request.SeatLimit ?? options.Value.DefaultSeatLimit;
        if (seatLimit is < 1 or > 1000) return Invalid.Field("seatLimit", "seatLimit must be between 1 and 1000.");
        var lines = BulkLines.Parse(request.Lines);
        if (lines.Count == 0) return Invalid.Field("lines", "lines must hold at least one line: name,email,access token.");
        if (lines.Count > MaxLines) return Invalid.Field("lines", $"lines holds at most {MaxLines} mothers; split the file.");
        if (!await db.PoolGroups.AnyAsync(g => g.Id == groupId, cancellationToken)) return Invalid.Field("groupId", $"Pool group {groupId} does not exist.");

        // Each line gets its mother's id now, so a rerun of the job finds what it already added.
        var queued = lines.ConvertAll(l => l with { MotherId = Guid.CreateVersion7(), AccessToken = l.AccessToken is { } t ? tokens.Protect(t) : null });
        var payload = new BulkAddMothersHandler.Payload(groupId, seatLimit, queued, AuditExtensions.ActorOf(http.User), http.ClientIp());
        var actor = http.User.FindFirst(InternalClaims.Subject)?.Value;
        // The same text again (a double click) while its job is live gets that job back.
        var dedupe = $"{BulkAddMothersHandler.JobType}:{groupId}:{seatLimit}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(request.Lines!)))}";
        var result = await jobs.EnqueueAsync(new JobRequest(BulkAddMothersHandler.JobType, payload, dedupe, actor), dedupe, cancellationToken);
        return TypedResults.Accepted($"/api/pool/jobs/{result.Job.Id}", new BulkAddAccepted(result.Job.Id, result.Created, lines.Count));
    }
}

/// <summary>One line of a bulk add: its number in the text, and what it said (or why it could not be read).</summary>
/// <param name="AccessToken">Plain when parsed; protected (<see cref="MotherTokens"/>) once queued.</param>
public sealed record BulkLine(int Line, string? Name, string? Email, string? AccessToken, string? Error, Guid MotherId = default);

public static class BulkLines
{
    /// <summary>Non-empty lines, numbered as the person sees them; a line without three fields carries its error.</summary>
    public static List<BulkLine> Parse(string? text)
    {
        var lines = new List<BulkLine>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return lines;
        }
        var rows = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i].Trim();
            if (row.Length == 0 || (i == 0 && IsHeader(row)))
            {
                continue;
            }
            // The token is the last field and may itself hold commas; name and email never do.
            var fields = row.Split(',', 3, StringSplitOptions.TrimEntries);
            lines.Add(fields.Length == 3 && fields.All(f => f.Length > 0)
                ? new BulkLine(i + 1, fields[0], fields[1], fields[2], null)
                : new BulkLine(i + 1, null, null, null, "expected name,email,access token"));
        }
        return lines;
    }

    private static bool IsHeader(string row) =>
        row.StartsWith("name,", StringComparison.OrdinalIgnoreCase) && row.Contains("email", StringComparison.OrdinalIgnoreCase);
}
