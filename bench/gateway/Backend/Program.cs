// The small JSON endpoint the gateway benchmark proxies: the same for direct, gateway and nginx runs.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var started = DateTimeOffset.UtcNow;
app.MapGet("/api/bench/hello", () => TypedResults.Ok(new Hello("hello", started)));

app.Run();

internal sealed record Hello(string Message, DateTimeOffset Since);
