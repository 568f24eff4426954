using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using WebConsole;
using WebConsole.Api;
using WebConsole.Components;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// The console talks to its own origin only: the gateway that serves it. The browser sends the session cookie itself.
var origin = new Uri(new Uri(builder.HostEnvironment.BaseAddress).GetLeftPart(UriPartial.Authority));
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = origin });
builder.Services.AddScoped<Session>();
builder.Services.AddScoped<Toasts>();
// One client per service, each sending its service's X-Domain.
builder.Services.AddScoped<IdentityClient>();
builder.Services.AddScoped<UsersClient>();
builder.Services.AddScoped<PoolClient>();
// Pages of one domain write only through their own domain's client; they may read another's through its reader.
builder.Services.AddScoped<IPoolReader>(services => services.GetRequiredService<PoolClient>());
builder.Services.AddScoped<PromoClient>();
builder.Services.AddScoped<SystemClient>();

await builder.Build().RunAsync();
