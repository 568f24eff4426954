using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults.Http;

/// <summary>
/// Admin writes name the domain they mean (<c>X-Domain: users</c> or <c>pool</c>), so a console pointed at the
/// wrong service cannot change it by accident. Missing, unknown or wrong is 400 <c>domain_mismatch</c>; an
/// accepted write is answered with <c>X-Domain-Ack</c>. Runs after authorization, so 401/403 come first.
/// </summary>
public static class DomainFilter
{
    public const string Header = "X-Domain";
    public const string AckHeader = "X-Domain-Ack";

    public static TBuilder RequireDomain<TBuilder>(this TBuilder builder, string domain) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var sent = http.Request.Headers[Header].ToString();
            if (!string.Equals(sent, domain, StringComparison.OrdinalIgnoreCase))
            {
                return Problems.BadRequest("domain_mismatch",
                    sent.Length == 0 ? $"Admin writes need the header {Header}: {domain}." : $"{Header} is '{sent}', but this is the {domain} domain.");
            }
            http.Response.Headers[AckHeader] = domain;
            return await next(context);
        });
}
