using System.Net;
using System.Text.RegularExpressions;

namespace Console.Tests;

/// <summary>How the gateway serves the console's files: fingerprinted ones compressed for a year, the page never cached.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class StaticFilesTests(ConsoleFixture console)
{
    [Fact]
    public async Task Index_is_revalidated_every_time_fingerprinted_assets_are_compressed_and_cached_for_a_year()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = console.Gateway.BaseAddress };

        using (var bare = await client.GetAsync("/console"))
        {
            Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
            Assert.Equal("/console/", bare.Headers.Location?.ToString());
        }
        string html;
        using (var index = await client.GetAsync("/console/"))
        {
            Assert.Equal(HttpStatusCode.OK, index.StatusCode);
            Assert.Equal("no-cache", index.Headers.CacheControl?.ToString());
            html = await index.Content.ReadAsStringAsync();
        }
        // A page's own address is the app's: index.html answers it, with no credential asked.
        using (var deep = await client.GetAsync("/console/pool/jobs?status=failed"))
        {
            Assert.Equal(HttpStatusCode.OK, deep.StatusCode);
            Assert.Equal(html, await deep.Content.ReadAsStringAsync());
        }

        var script = BlazorScript().Match(html).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console/" + script);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var asset = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("max-age=31536000, immutable", asset.Headers.CacheControl?.ToString());
        Assert.Contains("gzip", asset.Content.Headers.ContentEncoding);

        using var missing = await client.GetAsync("/console/_framework/no-such-file.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // Files only: other methods are refused, and paths outside the console stay unknown to every method.
        using (var post = await client.PostAsync("/console/users", null))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }
        using (var elsewhere = await client.PostAsync("/no-such-path", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        }
    }

    [GeneratedRegex("src=\"(_framework/blazor\\.webassembly\\.[a-z0-9]+\\.js)\"")]
    private static partial Regex BlazorScript();
}
