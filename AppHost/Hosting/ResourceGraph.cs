namespace Platform.Hosting;

internal static class ResourceGraph
{
    /// <summary>Dependencies before dependants, otherwise in declaration order; throws on a cycle.</summary>
    public static IReadOnlyList<Resource> StartOrder(IReadOnlyList<Resource> resources)
    {
        var ordered = new List<Resource>();
        var visiting = new HashSet<Resource>();
        foreach (var resource in resources)
        {
            Visit(resource);
        }

        return ordered;

        void Visit(Resource resource)
        {
            if (ordered.Contains(resource))
            {
                return;
            }

            if (!visiting.Add(resource))
            {
                throw new InvalidOperationException($"'{resource.Name}' depends on itself through its references.");
            }

            foreach (var dependency in resource.Dependencies)
            {
                Visit(dependency);
            }

            visiting.Remove(resource);
            ordered.Add(resource);
        }
    }

    /// <summary>The resources that depend on the given one.</summary>
    public static IEnumerable<T> Dependants<T>(Resource resource, IEnumerable<T> all)
        where T : Resource =>
        all.Where(r => r.Dependencies.Contains(resource));
}
