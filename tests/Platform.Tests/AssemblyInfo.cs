using System.Runtime.Versioning;

// The hosting library drives Linux processes; so do these tests.
[assembly: SupportedOSPlatform("linux")]

// Real servers on two cores: one test at a time keeps timings honest, and the process-leak checks
// can attribute every new descendant process to the test that started it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
