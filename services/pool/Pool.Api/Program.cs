using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Jobs;
using Platform.ServiceDefaults.Messaging;
using Pool.Api;
using Pool.Api.Data;
using Pool.Api.Groups;
using Pool.Api.Mothers;
using Pool.Api.Plans;
using Pool.Api.Relay;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

var api = app.MapGroup("/api/pool").WithRequestValidation();
api.MapPoolGroups();
api.MapMothers();
api.MapJobAdmin<PoolDbContext>("pool", "pool_job", Permissions.Pool.Jobs);
api.MapMessageAdmin<PoolDbContext>(Permissions.Pool.Messages, "pool");
app.MapRelay();
app.MapRelayPlans();

app.Run();

public partial class Program;
