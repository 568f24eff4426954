using System.Runtime.CompilerServices;
using Aspire.Hosting;
using Microsoft.Extensions.Configuration;

namespace Platform.LocalServers;

/// <summary>
/// Where the local servers keep their data (<c>DataDirectory</c>, default <c>.data</c> beside the AppHost folder) and
/// whether it is throwaway (<c>ThrowawayData</c>: tests; servers tuned for speed, fresh secrets on every run).
/// </summary>
public sealed class LocalServerSettings
{
    private static readonly ConditionalWeakTable<IDistributedApplicationBuilder, LocalServerSettings> Known = [];

    private LocalServerSettings(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["DataDirectory"];
        DataDirectory = Path.GetFullPath(configured ?? Path.Combine(builder.AppHostDirectory, "..", ".data"));
        Throwaway = builder.Configuration.GetValue<bool>("ThrowawayData");
        Keys = Throwaway ? KeyRing.Random() : KeyRing.Derived(Path.Combine(DataDirectory, "keys"));
    }

    public string DataDirectory { get; }

    public bool Throwaway { get; }

    public KeyRing Keys { get; }

    public static LocalServerSettings From(IDistributedApplicationBuilder builder) =>
        Known.GetValue(builder, b => new LocalServerSettings(b));

    /// <summary>A server's own folder under the data directory.</summary>
    public string Folder(string name) => Path.Combine(DataDirectory, name);
}
