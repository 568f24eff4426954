namespace Platform.Tests.Infrastructure;

/// <summary>xunit needs the collection defined in the test assembly itself.</summary>
[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<ServersFixture>
{
    public const string Name = "servers";
}
