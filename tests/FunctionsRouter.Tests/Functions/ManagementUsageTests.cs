using FunctionsRouter.Functions;
using FunctionsRouter.Gateway.Usage.Reports;
using FunctionsRouter.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Tests.Functions;

public sealed class ManagementUsageTests : IDisposable
{
    private readonly ServiceProvider _services = GatewayServices.Build(("Router:AllowAnonymous", "false"));

    [Fact]
    public void ManagementUsageReport_Metadata_AnonymousGetAndPreflightOnManageUsage()
    {
        var trigger = FunctionMetadata.HttpTriggers(typeof(ManagementUsage))[nameof(ManagementUsage.ManagementUsageReport)];

        Assert.Equal(AuthorizationLevel.Anonymous, trigger.AuthLevel);
        Assert.Equal(["get", "options"], trigger.Methods ?? []);
        Assert.Equal("manage/usage", trigger.Route);
    }

    [Fact]
    public async Task ManagementUsageReport_NoCredential_401BeforeAnyTableRead()
    {
        var request = TestHttp.Get("/api/manage/usage");

        var result = await new ManagementUsage(_services.GetRequiredService<UsageReportHandler>()).ManagementUsageReport(request, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(401, request.HttpContext.Response.StatusCode);
        Assert.Equal("missing_credentials", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    public void Dispose() => _services.Dispose();
}
