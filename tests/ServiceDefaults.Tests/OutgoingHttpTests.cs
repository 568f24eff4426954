using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Tests;

/// <summary>Outgoing calls of a service with the defaults: pooled handlers shared by every caller keep no cookies.</summary>
public sealed class OutgoingHttpTests
{
    [Fact]
    public async Task A_cookie_one_answer_sets_is_not_sent_with_the_next_request()
    {
        var server = WebApplication.CreateSlimBuilder();
        server.WebHost.UseUrls("http://127.0.0.1:0");
        server.Logging.ClearProviders();
        await using var app = server.Build();
        app.MapGet("/set", (HttpResponse response) =>
        {
            response.Headers.SetCookie = "session=someone-elses; Path=/";
            return "set";
        });
        app.MapGet("/echo", (HttpRequest request) => request.Headers.Cookie.ToString());
        await app.StartAsync();
        var address = app.Urls.First();

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Service:Name"] = "test" });
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("upstream", http => http.BaseAddress = new Uri(address));
        using var host = builder.Build();
        var clients = host.Services.GetRequiredService<IHttpClientFactory>();

        Assert.Equal("set", await clients.CreateClient("upstream").GetStringAsync("/set"));
        Assert.Equal("", await clients.CreateClient("upstream").GetStringAsync("/echo"));
    }
}
