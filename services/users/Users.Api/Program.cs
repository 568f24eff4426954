using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Jobs;
using Platform.ServiceDefaults.Messaging;
using Users.Api;
using Users.Api.BulkStatus;
using Users.Api.Data;
using Users.Api.Profiles;
using Users.Api.RedeemCodes;
using Users.Api.Redemptions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

var api = app.MapGroup("/api/users").WithRequestValidation();
api.MapProfiles();
api.MapRedeemCodes();
api.MapRedemptions();
api.MapUserAdmin();
api.MapBulkStatus();
api.MapJobAdmin<UsersDbContext>("users", "user_job", Permissions.Users.Jobs);
api.MapMessageAdmin<UsersDbContext>(Permissions.Users.Messages, "users");

app.Run();

public partial class Program;
