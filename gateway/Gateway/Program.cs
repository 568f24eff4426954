using Gateway;
using Gateway.Admin;
using Gateway.Auth;
using Gateway.Console;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseTrustedProxies();
app.MapDefaultEndpoints();
app.UseGatewayAuthentication();
app.MapGatewayAdmin();
app.MapConsole();
app.MapGatewayProxy();

app.Run();

public partial class Program;
