using System.Text.RegularExpressions;

namespace Console.Tests;

/// <summary>
/// The seed's domain-import check: a page in one domain's folder (<c>web/Console/Pages/&lt;Domain&gt;/</c>) writes only
/// through that domain's client. It may read another domain through that domain's reader interface (<c>IPoolReader</c>),
/// which has no writes, and holds no HTTP details of its own.
/// </summary>
public sealed partial class DomainImportTests
{
    private static readonly Dictionary<string, string> ClientOf = new()
    {
        ["Account"] = "IdentityClient",
        ["Users"] = "UsersClient",
        ["Pool"] = "PoolClient",
        ["Platform"] = "SystemClient",
        ["Access"] = "IdentityClient",
        ["Promo"] = "PromoClient",
    };

    [Fact]
    public void Every_page_uses_only_its_own_domains_client()
    {
        var pages = Path.Combine(ConsoleFixture.RepositoryRoot(), "web", "Console", "Pages");
        var checkedPages = 0;
        var violations = new List<string>();
        foreach (var folder in Directory.GetDirectories(pages))
        {
            var domain = Path.GetFileName(folder);
            Assert.True(ClientOf.ContainsKey(domain), $"Pages/{domain} is a domain folder this check does not know: add its client to ClientOf.");
            foreach (var file in Directory.EnumerateFiles(folder, "*.razor*", SearchOption.AllDirectories))
            {
                checkedPages++;
                violations.AddRange(Violations(domain, File.ReadAllText(file)).Select(v => $"{Path.GetRelativePath(pages, file)}: {v}"));
            }
        }
        Assert.True(checkedPages >= 8, $"only {checkedPages} pages found under {pages}");
        Assert.Empty(violations);
    }

    [Fact]
    public void The_check_catches_a_pool_page_writing_through_the_users_client_and_raw_http()
    {
        Assert.Equal(["uses UsersClient, not PoolClient"], Violations("Pool", "@inject UsersClient Users\n@inject PoolClient Pool"));
        Assert.Equal(["uses HttpClient: pages go through their domain's client"], Violations("Users", "@inject HttpClient Http"));
        Assert.Empty(Violations("Users", "@inject UsersClient Users\n@inject IPoolReader Pool"));
    }

    private static IEnumerable<string> Violations(string domain, string source) =>
        ClientName().Matches(source).Select(m => m.Value).Distinct()
            .Where(client => client != ClientOf[domain])
            .Select(client => client == "HttpClient" ? "uses HttpClient: pages go through their domain's client" : $"uses {client}, not {ClientOf[domain]}");

    [GeneratedRegex(@"\b\w*Client\b")]
    private static partial Regex ClientName();
}
