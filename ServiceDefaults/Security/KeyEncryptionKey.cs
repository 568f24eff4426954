using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// The key-encryption key the AppHost injects (<c>DataProtection:KeyEncryptionKey</c>, 32 bytes base64). Data
/// Protection keys are stored in the service's database encrypted with it, so a database dump alone decrypts nothing.
/// </summary>
public sealed class KeyEncryptionKey
{
    private readonly byte[] _key;

    public KeyEncryptionKey(string base64)
    {
        _key = Convert.FromBase64String(base64);
        if (_key.Length != 32)
        {
            throw new InvalidOperationException("DataProtection:KeyEncryptionKey must be 32 bytes, base64-encoded.");
        }
    }

    internal byte[] Seal(byte[] plaintext)
    {
        var sealed_ = new byte[12 + 16 + plaintext.Length];
        var nonce = sealed_.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, plaintext, sealed_.AsSpan(28), sealed_.AsSpan(12, 16));
        return sealed_;
    }

    internal byte[] Open(byte[] sealed_)
    {
        var plaintext = new byte[sealed_.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(sealed_.AsSpan(0, 12), sealed_.AsSpan(28), sealed_.AsSpan(12, 16), plaintext);
        return plaintext;
    }
}

/// <summary>Encrypts each Data Protection key's XML with the <see cref="KeyEncryptionKey"/> (AES-GCM).</summary>
internal sealed class KeyEncryptionKeyXmlEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var sealed_ = kek.Seal(System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)));
        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with the platform's key-encryption key (AES-256-GCM). "),
            new XElement("value", Convert.ToBase64String(sealed_)));
        return new EncryptedXmlInfo(element, typeof(KeyEncryptionKeyXmlDecryptor));
    }
}

/// <summary>Created by Data Protection from the type named in the stored XML, with the app's services.</summary>
internal sealed class KeyEncryptionKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var kek = services.GetRequiredService<KeyEncryptionKey>();
        var sealed_ = Convert.FromBase64String((string)encryptedElement.Element("value")!);
        return XElement.Parse(System.Text.Encoding.UTF8.GetString(kek.Open(sealed_)));
    }
}
