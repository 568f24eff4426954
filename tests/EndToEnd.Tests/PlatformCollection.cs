namespace EndToEnd.Tests;

/// <summary>The test classes that share one running platform (starting one takes most of a minute).</summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
