// Every class shares one set of servers and some kill them on purpose: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
