// A default YARP app (routes from configuration, nothing else): the reference the gateway's own pipeline
// (credentials, rate limits, internal JWT, telemetry) is compared against in bench/gateway.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

var app = builder.Build();
app.MapReverseProxy();
app.Run();
