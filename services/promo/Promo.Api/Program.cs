using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Messaging;
using Promo.Api;
using Promo.Api.Campaigns;
using Promo.Api.Catalog;
using Promo.Api.Coupons;
using Promo.Api.Data;
using Promo.Api.HelpTasks;
using Promo.Api.Legacy;
using Promo.Api.Orders;
using Promo.Api.Payments;

var builder = WebApplication.CreateBuilder(args);
if (await builder.RunLegacyCommandAsync(args)) return; // `legacy import|check`: a one-off command, not the service

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

var api = app.MapGroup("/api/promo").WithRequestValidation();
api.MapCatalog();
api.MapCampaigns();
api.MapCoupons();
api.MapOrders();
api.MapPayments();
api.MapHelpTasks();
api.MapMessageAdmin<PromoDbContext>(Permissions.Promo.Messages, "promo");

app.Run();

public partial class Program;
