using System.Runtime.Versioning;

// The local servers are Linux processes; so are these tests.
[assembly: SupportedOSPlatform("linux")]

// Real servers on two cores: one test class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
