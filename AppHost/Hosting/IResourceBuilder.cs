namespace Platform.Hosting;

/// <summary>A declared resource, to configure with the <c>With*</c>/<c>WaitFor</c> extensions.</summary>
public interface IResourceBuilder<out T>
    where T : Resource
{
    T Resource { get; }

    DistributedApplicationBuilder ApplicationBuilder { get; }
}
