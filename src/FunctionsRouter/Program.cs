using FunctionsRouter.Gateway.Hosting;
using FunctionsRouter.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddFunctionsRouterGateway();
builder.Services.AddFunctionsRouterTelemetry(builder.Configuration);
builder.Build().Run();
