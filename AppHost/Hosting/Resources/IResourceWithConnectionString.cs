namespace Platform.Hosting;

/// <summary>A resource projects reach through <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    /// <summary>Null when the resource is disabled: dependants then get no connection string.</summary>
    string? ConnectionString { get; }
}
