using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Security;

namespace Microsoft.Extensions.Hosting;

public static class DataProtectionExtensions
{
    /// <summary>
    /// Data Protection with its keys in the service's own database (shared by all instances, kept across restarts),
    /// each key encrypted with <c>DataProtection:KeyEncryptionKey</c>. Outside Development the key-encryption key is
    /// required: without it keys would sit in the database in the clear.
    /// </summary>
    public static IHostApplicationBuilder AddDataProtectionKeys<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext, IDataProtectionKeyContext
    {
        var service = ServiceIdentity.From(builder);
        builder.Services.AddDataProtection()
            .SetApplicationName("platform-" + service.Name)
            .PersistKeysToDbContext<TContext>();

        if (builder.Configuration["DataProtection:KeyEncryptionKey"] is { Length: > 0 } kek)
        {
            builder.Services.AddSingleton(new KeyEncryptionKey(kek));
            builder.Services.AddOptions<KeyManagementOptions>().Configure<KeyEncryptionKey>((o, key) =>
                o.XmlEncryptor = new KeyEncryptionKeyXmlEncryptor(key));
        }
        else if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "DataProtection:KeyEncryptionKey is required outside Development (the AppHost sets DataProtection__KeyEncryptionKey).");
        }
        return builder;
    }
}
