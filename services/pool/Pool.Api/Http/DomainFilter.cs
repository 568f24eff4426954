using Platform.ServiceDefaults.Http;

namespace Pool.Api.Http;

/// <summary>
/// Admin writes of pool must say <c>X-Domain: pool</c> (SPEC.md "X-Domain"): a console pointed at the wrong service
/// cannot change it by accident. Missing, unknown or another domain is 400 <c>domain_mismatch</c>; accepted requests
/// are answered with <c>X-Domain-Ack: pool</c>.
/// </summary>
public static class DomainFilter
{
    public const string Domain = "pool";
    public const string Header = "X-Domain";
    public const string AckHeader = "X-Domain-Ack";

    public static TBuilder RequireDomain<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var domain = http.Request.Headers[Header].ToString();
            if (!string.Equals(domain, Domain, StringComparison.OrdinalIgnoreCase))
            {
                return Problems.BadRequest("domain_mismatch",
                    domain.Length == 0 ? $"This write needs the header {Header}: {Domain}." : $"{Header} is '{domain}', but this is the {Domain} service.");
            }
            http.Response.Headers[AckHeader] = Domain;
            return await next(context);
        });
}
