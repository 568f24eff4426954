using System.Text.RegularExpressions;

namespace Gateway.Auth;

/// <summary>
/// Routes that need no credential, from <c>Gateway:AnonymousRoutes</c>: entries like <c>POST /api/identity/codes</c>
/// or <c>GET /api/*/openapi/**</c> (<c>*</c> is one path segment, <c>**</c> the rest of the path).
/// </summary>
public sealed class AnonymousRoutes
{
    private readonly (string Method, Regex Path)[] _routes;

    public AnonymousRoutes(IConfiguration configuration)
    {
        _routes = configuration.GetSection("Gateway:AnonymousRoutes").Get<string[]>()?.Select(Parse).ToArray() ?? [];
    }

    public bool Contains(string method, PathString path) =>
        _routes.Any(r => (r.Method == "*" || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)) && r.Path.IsMatch(path.Value ?? "/"));

    private static (string, Regex) Parse(string entry)
    {
        var parts = entry.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !parts[1].StartsWith('/'))
        {
            throw new InvalidOperationException($"Gateway:AnonymousRoutes entry '{entry}' must be 'METHOD /path'.");
        }
        var pattern = "^" + Regex.Escape(parts[1]).Replace(@"\*\*", ".*").Replace(@"\*", "[^/]+") + "/?$";
        return (parts[0], new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Compiled));
    }
}
