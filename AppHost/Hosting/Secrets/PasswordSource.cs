using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Hosting.Secrets;

/// <summary>
/// Server passwords. Persistent data needs the same password on every run, so they are derived
/// from a master key kept with the data; throwaway servers get fresh random ones.
/// </summary>
internal sealed class PasswordSource
{
    private readonly byte[]? masterKey;
    private readonly ConcurrentDictionary<string, string> issued = new();
    private readonly ConcurrentDictionary<string, string> keys = new();
    private readonly ConcurrentDictionary<string, ECDsa> signingKeys = new();
    private readonly string? keysDirectory;

    private PasswordSource(byte[]? masterKey, string? keysDirectory)
    {
        this.masterKey = masterKey;
        this.keysDirectory = keysDirectory;
    }

    public static PasswordSource Random() => new(null, null);

    /// <summary>Derives from <c>keys/master.key</c> under the data directory, creating it on first use.</summary>
    public static PasswordSource Derived(string dataDirectory)
    {
        var keys = Path.Combine(dataDirectory, "keys");
        return new(LoadOrCreateMasterKey(keys), keys);
    }

    /// <summary>
    /// An ECDSA P-256 key pair for a purpose such as <c>gateway-signing</c>: kept as <c>keys/&lt;purpose&gt;.pem</c>
    /// (owner-only) so tokens stay verifiable across runs; random for ephemeral apps.
    /// </summary>
    public ECDsa GetSigningKey(string purpose)
    {
        // Resources build their environments concurrently: one of them creates the file, the rest read it.
        lock (signingKeys)
        {
            return signingKeys.GetOrAdd(purpose, LoadOrCreateSigningKey);
        }
    }

    private ECDsa LoadOrCreateSigningKey(string p)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (keysDirectory is null)
        {
            return key;
        }

        var path = Path.Combine(keysDirectory, p + ".pem");
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }

        using (var file = PrivateFile.Create(path, FileMode.CreateNew))
        {
            file.Write(Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        }

        return key;
    }

    /// <summary>The password for a purpose such as <c>postgres:identitydb</c>; the same on every call.</summary>
    public string Get(string purpose) => issued.GetOrAdd(purpose, p => Base64Url.EncodeToString(
        masterKey is null ? RandomNumberGenerator.GetBytes(24) : HMACSHA256.HashData(masterKey, Encoding.UTF8.GetBytes(p))));

    /// <summary>A 32-byte key for a purpose such as <c>kek:identity</c>, base64; the same on every call.</summary>
    public string GetKey(string purpose) => keys.GetOrAdd(purpose, p => Convert.ToBase64String(
        masterKey is null ? RandomNumberGenerator.GetBytes(32) : HMACSHA256.HashData(masterKey, Encoding.UTF8.GetBytes("key:" + p))));

    private static byte[] LoadOrCreateMasterKey(string directory)
    {
        var path = Path.Combine(directory, "master.key");
        if (File.Exists(path))
        {
            return File.ReadAllBytes(path);
        }

        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var key = RandomNumberGenerator.GetBytes(32);
        using (var file = PrivateFile.Create(path, FileMode.CreateNew))
        {
            file.Write(key);
        }

        return key;
    }
}
