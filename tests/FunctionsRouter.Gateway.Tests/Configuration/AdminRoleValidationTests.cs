using FunctionsRouter.Gateway.Configuration;

namespace FunctionsRouter.Gateway.Tests.Configuration;

/// <summary><c>Router__Entra__AdminRole</c> is checked at start like every Entra setting.</summary>
public sealed class AdminRoleValidationTests
{
    [Theory]
    [InlineData("Router.Admin", true)]
    [InlineData("Gateway_Owner-1", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    public void Validate_AdminRole_AcceptsOnlyAnAppRoleValue(string role, bool valid)
    {
        var options = new RouterOptions
        {
            Endpoints = { ["default"] = new EndpointOptions { Url = "https://example.services.ai.azure.com/models", Key = "k" } },
            Storage = { ConnectionString = "UseDevelopmentStorage=true" },
            Entra = { TenantId = "7f1c1b8e-4b8a-4f3e-9d5e-2a1b3c4d5e6f", Audience = "api://x", AdminRole = role },
        };

        var result = new RouterOptionsValidator(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Router__Entra__AdminRole", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
