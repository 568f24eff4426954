using Pool.Api;
using Pool.Api.Groups;
using Pool.Api.Jobs;
using Pool.Api.Mothers;
using Pool.Api.Relay;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

var api = app.MapGroup("/api/pool");
api.MapPoolGroups();
api.MapMothers();
api.MapJobs();
app.MapRelay();

app.Run();

public partial class Program;
