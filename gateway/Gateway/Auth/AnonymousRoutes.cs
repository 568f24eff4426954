using System.Text.RegularExpressions;

namespace Gateway.Auth;

/// <summary>
/// Routes that need no credential, from <c>Gateway:AnonymousRoutes</c>: entries like <c>POST /api/identity/codes</c>
/// or <c>GET /api/*/openapi/**</c> (<c>*</c> is one path segment, <c>**</c> the rest of the path).
/// </summary>
public sealed class AnonymousRoutes
{
    // One compiled alternation per method (plus "*" for any method): every request runs at most two matches.
    private readonly Dictionary<string, Regex> _byMethod;
    private readonly Regex? _anyMethod;

    public AnonymousRoutes(IConfiguration configuration)
    {
        var entries = configuration.GetSection("Gateway:AnonymousRoutes").Get<string[]>() ?? [];
        var patterns = entries.Select(Parse).GroupBy(e => e.Method, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => Compile(g.Select(e => e.Pattern)), StringComparer.OrdinalIgnoreCase);
        _anyMethod = patterns.Remove("*", out var any) ? any : null;
        _byMethod = patterns;
    }

    public bool Contains(string method, PathString path)
    {
        var value = path.Value ?? "/";
        return (_byMethod.TryGetValue(method, out var routes) && routes.IsMatch(value)) || (_anyMethod?.IsMatch(value) ?? false);
    }

    private static (string Method, string Pattern) Parse(string entry)
    {
        var parts = entry.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !parts[1].StartsWith('/'))
        {
            throw new InvalidOperationException($"Gateway:AnonymousRoutes entry '{entry}' must be 'METHOD /path'.");
        }
        return (parts[0], Regex.Escape(parts[1]).Replace(@"\*\*", ".*").Replace(@"\*", "[^/]+"));
    }

    private static Regex Compile(IEnumerable<string> patterns) =>
        new("^(?:" + string.Join('|', patterns) + ")/?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Compiled);
}
