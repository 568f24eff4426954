using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Platform.ServiceDefaults.Auth;

/// <summary>
/// A signed-in caller refused for want of a grant (or of the admin role) is told which one, as a 403
/// ProblemDetails with code <c>missing_grant</c> (or <c>admin_only</c>), so a client can say what to ask for.
/// Every other outcome is the default handler's.
/// </summary>
internal sealed class MissingGrantResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && Missing(context, authorizeResult.AuthorizationFailure) is { } missing
            && context.RequestServices.GetService(typeof(IProblemDetailsService)) is IProblemDetailsService problems)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new()
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Forbidden",
                    Detail = missing.Detail,
                    Extensions = { ["code"] = missing.Code },
                },
            });
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private static (string Code, string Detail)? Missing(HttpContext context, AuthorizationFailure? failure)
    {
        if (failure?.FailedRequirements.OfType<PermissionRequirement>().FirstOrDefault() is { } permission)
        {
            var access = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? Permissions.Read : Permissions.Write;
            return ("missing_grant", $"This needs the {permission.Resource} grant ({access}); ask an administrator for it.");
        }
        if (failure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().Any(r => r.AllowedRoles.Contains(UserRoles.Admin)) == true)
        {
            return ("admin_only", "This needs the admin role.");
        }
        return null;
    }
}
