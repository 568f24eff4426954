using Identity.Api.Accounts;
using Identity.Api.Codes;
using Identity.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;

namespace Identity.Api.SignIn;

/// <summary>
/// Sign-in by code, shared by bearer sign-in and cookie sessions: checks the code and finds or creates the user
/// in one transaction, then lets the caller issue its credential inside it.
/// </summary>
public sealed class CodeSignIn(IdentityDbContext db, CodeVerifier verifier, UserAccounts accounts)
{
    /// <param name="clientAddress">The client's address as the gateway saw it (<c>HttpContext.ClientIp()</c>).</param>
    public async Task<(T? Result, ProblemHttpResult? Problem)> SignInAsync<T>(
        SignInRequest request, string clientAddress, Func<User, bool, CancellationToken, Task<T>> issue, CancellationToken cancellationToken)
    {
        if (!request.TryValidate(out var channel, out var target, out var code, out var error))
        {
            return (default, Problems.BadRequest(error.Value.Code, error.Value.Detail));
        }

        return await db.InTransactionAsync<(T? Result, ProblemHttpResult? Problem)>(async ct =>
        {
            switch (await verifier.CheckAsync(channel, target, code, ClientAddresses.Bucket(clientAddress), ct))
            {
                case CodeCheck.Invalid: return (default, Problems.BadRequest("invalid_code", "The code is wrong."));
                case CodeCheck.Expired: return (default, Problems.BadRequest("code_expired", "The code has expired; ask for a new one."));
                case CodeCheck.Used: return (default, Problems.BadRequest("code_used", "The code was already used or has had too many wrong attempts."));
                case CodeCheck.TargetLocked: return (default, Problems.Create(StatusCodes.Status403Forbidden, "target_locked", "Too many wrong codes from here: this target is locked for a while; try again later."));
            }

            var (user, isNew) = await accounts.FindOrCreateAsync(channel, target, ct);
            if (!user.IsActive)
            {
                return (default, Problems.Create(StatusCodes.Status403Forbidden, "user_disabled", "This account is disabled."));
            }
            var result = await issue(user, isNew, ct);
            await db.SaveChangesAsync(ct);
            return (result, null);
        }, cancellationToken);
    }
}
