using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

public static class OpenApiExtensions
{
    /// <summary>
    /// The service's OpenAPI document lives under its own public prefix (<c>/api/identity/openapi/v1.json</c>)
    /// so the gateway's route reaches it; the Scalar UI beside it in Development.
    /// </summary>
    public static WebApplication MapDefaultOpenApi(this WebApplication app)
    {
        var prefix = app.Services.GetRequiredService<ServiceIdentity>().ApiPrefix;
        app.MapOpenApi(prefix + "/openapi/{documentName}.json").AllowAnonymous();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference(prefix + "/scalar", o => o.WithOpenApiRoutePattern(prefix + "/openapi/{documentName}.json")).AllowAnonymous();
        }
        return app;
    }
}
