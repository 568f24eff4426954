using Identity.Api;
using Identity.Api.Admin;
using Identity.Api.ApiKeys;
using Identity.Api.Codes;
using Identity.Api.Data;
using Identity.Api.DevOutbox;
using Identity.Api.Introspection;
using Identity.Api.OAuth;
using Identity.Api.Sessions;
using Identity.Api.SignIn;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

var api = app.MapGroup("/api/identity").WithRequestValidation();
api.MapCodes();
api.MapSignIn();
api.MapSessions();
api.MapOAuth();
api.MapApiKeys();
api.MapAdmin();
api.MapDevOutbox();
api.MapMessageAdmin<IdentityDbContext>(Permissions.Identity.Messages);
app.MapIntrospection();

app.Run();

public partial class Program;
