using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.LocalServers;

/// <summary>
/// The secrets the AppHost hands out (server passwords, service keys, the gateway's signing key). Persistent data needs
/// the same secrets on every run, so they derive from a master key kept with the data (<c>keys/master.key</c>, owner
/// only); a throwaway run gets random ones.
/// </summary>
public sealed class KeyRing
{
    private readonly byte[] _master;
    private readonly string? _folder;
    private readonly Dictionary<string, ECDsa> _signingKeys = [];

    private KeyRing(byte[] master, string? folder)
    {
        _master = master;
        _folder = folder;
    }

    public static KeyRing Random() => new(RandomNumberGenerator.GetBytes(32), null);

    public static KeyRing Derived(string folder)
    {
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(folder, "master.key");
        if (!File.Exists(path))
        {
            WritePrivate(path, RandomNumberGenerator.GetBytes(32));
        }
        return new(File.ReadAllBytes(path), folder);
    }

    /// <summary>A password for a purpose such as <c>postgres-password</c>: URL-safe, the same on every call.</summary>
    public string Password(string purpose) => Base64Url.EncodeToString(Derive("password:" + purpose, 24));

    /// <summary>A 32-byte key for a purpose such as <c>identity-secret</c>, base64.</summary>
    public string Key(string purpose) => Convert.ToBase64String(Derive("key:" + purpose, 32));

    /// <summary>
    /// An ECDSA P-256 key pair for a purpose such as <c>internal-jwt</c>, kept as <c>keys/&lt;purpose&gt;.pem</c> so that
    /// what it signed stays verifiable across runs.
    /// </summary>
    public ECDsa SigningKey(string purpose)
    {
        lock (_signingKeys)
        {
            if (_signingKeys.TryGetValue(purpose, out var known))
            {
                return known;
            }
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var path = _folder is null ? null : Path.Combine(_folder, purpose + ".pem");
            if (path is not null && File.Exists(path))
            {
                key.ImportFromPem(File.ReadAllText(path));
            }
            else if (path is not null)
            {
                WritePrivate(path, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
            }
            return _signingKeys[purpose] = key;
        }
    }

    private byte[] Derive(string purpose, int length) => HMACSHA256.HashData(_master, Encoding.UTF8.GetBytes(purpose))[..length];

    private static void WritePrivate(string path, byte[] content)
    {
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        file.Write(content);
    }
}
