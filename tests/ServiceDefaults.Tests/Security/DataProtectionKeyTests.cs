using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults.Tests.Data;

namespace ServiceDefaults.Tests.Security;

/// <summary>Data Protection keys live in the service database, encrypted with the key-encryption key.</summary>
[Collection(ServersCollection.Name)]
public sealed class DataProtectionKeyTests(ServersFixture servers)
{
    private static readonly string Kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task A_payload_protected_by_one_instance_is_read_by_another_and_the_stored_keys_are_encrypted()
    {
        var database = await TestDatabase.CreateMigratedAsync(servers, "dp");
        string protectedPayload;
        using (var first = DataProtectionHost(database, Kek))
        {
            protectedPayload = first.Services.GetDataProtector("test").Protect("secret");
        }

        using var second = DataProtectionHost(database, Kek);
        Assert.Equal("secret", second.Services.GetDataProtector("test").Unprotect(protectedPayload));

        await using var scope = second.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<TestDbContext>().DataProtectionKeys.ToListAsync();
        var key = Assert.Single(keys);
        Assert.Contains("encryptedKey", key.Xml);
        Assert.DoesNotContain("<masterKey", key.Xml);
    }

    [Fact]
    public async Task Without_the_key_encryption_key_the_stored_keys_decrypt_nothing()
    {
        var database = await TestDatabase.CreateMigratedAsync(servers, "dp");
        using var owner = DataProtectionHost(database, Kek);
        var payload = owner.Services.GetDataProtector("test").Protect("secret");

        using var thief = DataProtectionHost(database, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        Assert.ThrowsAny<CryptographicException>(() => thief.Services.GetDataProtector("test").Unprotect(payload));
    }

    [Fact]
    public void Outside_development_a_missing_key_encryption_key_stops_start_up()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DataProtectionHost("Host=unused", kek: null));
        Assert.Contains("DataProtection:KeyEncryptionKey", error.Message);
    }

    private static IHost DataProtectionHost(string database, string? kek)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration["ConnectionStrings:testdb"] = database;
        builder.Configuration["DataProtection:KeyEncryptionKey"] = kek;
        builder.Configuration["Service:Name"] = "dp-test";
        builder.AddServiceDbContext<TestDbContext>("testdb");
        builder.AddDataProtectionKeys<TestDbContext>();
        return builder.Build();
    }
}
