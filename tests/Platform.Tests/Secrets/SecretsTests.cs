using Platform.Hosting.Secrets;

namespace Platform.Tests.Secrets;

public sealed class SecretsTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("secrets-tests-").FullName;

    [Fact]
    public void Derived_passwords_are_the_same_on_every_run_and_differ_by_purpose()
    {
        var firstRun = PasswordSource.Derived(dataDirectory);
        var secondRun = PasswordSource.Derived(dataDirectory);

        Assert.Equal(firstRun.Get("postgres:identitydb"), secondRun.Get("postgres:identitydb"));
        Assert.NotEqual(firstRun.Get("postgres:identitydb"), firstRun.Get("postgres:usersdb"));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", firstRun.Get("redis:cache"));
    }

    [Fact]
    public void Master_key_is_32_bytes_readable_by_its_owner_only()
    {
        PasswordSource.Derived(dataDirectory).Get("postgres:postgres");
        var key = Path.Combine(dataDirectory, "keys", "master.key");

        Assert.Equal(32, new FileInfo(key).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    [Fact]
    public void Random_passwords_differ_between_runs()
    {
        Assert.NotEqual(PasswordSource.Random().Get("redis:cache"), PasswordSource.Random().Get("redis:cache"));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432;Username=postgres;Password=s3cret", "Host=127.0.0.1;Port=5432;Username=postgres;Password=***")]
    [InlineData("127.0.0.1:6379,password=s3cret", "127.0.0.1:6379,password=***")]
    [InlineData("amqp://guest:s3cret@127.0.0.1:5672", "amqp://guest:***@127.0.0.1:5672")]
    public void Displayed_connection_strings_hide_the_password(string connectionString, string shown)
    {
        Assert.Equal(shown, SecretMask.Hide(connectionString));
    }

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);
}
