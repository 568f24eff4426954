namespace Identity.Tests;

/// <summary>
/// One set of real servers (PostgreSQL, Redis, RabbitMQ) and two platform stacks on them: one with Redis, one
/// without. xunit needs the collection defined in the test assembly itself.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<IdentityPlatform>
{
    public const string Name = "identity-platform";
}
