using Platform.LocalServers;

namespace Platform.Tests.AppHost;

public sealed class KeyRingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"keyring-{Guid.NewGuid():N}");

    [Fact]
    public void Derived_secrets_are_the_same_on_every_run_and_differ_by_purpose()
    {
        var first = KeyRing.Derived(_folder);
        var second = KeyRing.Derived(_folder);
        Assert.Equal(first.Password("postgres:identitydb"), second.Password("postgres:identitydb"));
        Assert.Equal(first.Key("identity-secret"), second.Key("identity-secret"));
        Assert.NotEqual(first.Password("postgres:identitydb"), first.Password("postgres:usersdb"));
        Assert.Equal(32, Convert.FromBase64String(first.Key("identity-secret")).Length);
        Assert.Equal(first.SigningKey("internal-jwt").ExportSubjectPublicKeyInfo(), second.SigningKey("internal-jwt").ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void The_master_key_and_signing_keys_are_readable_by_their_owner_only()
    {
        KeyRing.Derived(_folder).SigningKey("internal-jwt");
        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(_folder, "master.key")));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(_folder, "internal-jwt.pem")));
        Assert.Equal(32, new FileInfo(Path.Combine(_folder, "master.key")).Length);
    }

    [Fact]
    public void Throwaway_secrets_differ_on_every_run()
    {
        Assert.NotEqual(KeyRing.Random().Password("postgres:postgres"), KeyRing.Random().Password("postgres:postgres"));
        Assert.False(Directory.Exists(_folder));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
