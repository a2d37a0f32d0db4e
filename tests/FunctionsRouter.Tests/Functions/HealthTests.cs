using FunctionsRouter.Functions;
using FunctionsRouter.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Tests.Functions;

public sealed class HealthTests
{
    [Fact]
    public async Task Run_Get_Returns200StatusOk()
    {
        var request = TestHttp.Get("/api/health");

        var result = await new Health().Run(request, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        var response = request.HttpContext.Response;
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("""{"status":"ok"}""", TestHttp.ResponseText(request));
        Assert.Equal(response.Body.Length, response.ContentLength);
    }

    [Fact]
    public void Run_Metadata_AnonymousGetOnHealth()
    {
        var trigger = Assert.Single(FunctionMetadata.HttpTriggers(typeof(Health)));

        Assert.Equal(nameof(Health), trigger.Key);
        Assert.Equal(AuthorizationLevel.Anonymous, trigger.Value.AuthLevel);
        Assert.Equal(["get"], trigger.Value.Methods ?? []);
        Assert.Equal("health", trigger.Value.Route);
    }
}
