using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// One of our services hosted in the test process: its real Program with the given settings (visible while
/// Program.cs runs), a controlled clock and captured logs. Call <c>UseKestrel(port)</c> for a real socket.
/// </summary>
public sealed class ServiceApp<TProgram>(IReadOnlyDictionary<string, string?> settings, TimeProvider clock, ILoggerProvider logs, string environment = "Development")
    : WebApplicationFactory<TProgram> where TProgram : class
{
    protected override IHost CreateHost(IHostBuilder builder)
    {
        // Host configuration is visible while Program.cs runs, unlike ConfigureAppConfiguration.
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(settings));
        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.ConfigureLogging(l => l.AddProvider(logs));
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(clock)));
    }
}
