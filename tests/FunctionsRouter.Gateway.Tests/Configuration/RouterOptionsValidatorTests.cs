using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Tests.Configuration;

public sealed class RouterOptionsValidatorTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Router:Endpoints:default:Url"] = "https://example.services.ai.azure.com/models",
        ["Router:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
    };

    [Fact]
    public void Validate_ValidSettings_Succeeds()
    {
        var options = Resolve(Valid);

        Assert.Equal("2025-04-01", options.Endpoints["default"].ApiVersion);
        Assert.Equal(TimeSpan.FromSeconds(30), options.AliasCacheTtl);
        Assert.Equal("ResponseAffinity", options.ResponsesTable);
        Assert.Equal("USD", options.Currency);
    }

    [Theory]
    [InlineData("Router:Endpoints:default:Url", "", "Router__Endpoints__default__Url is missing")]
    [InlineData("Router:Endpoints:default:Url", "not a url", "Router__Endpoints__default__Url 'not a url' is not an absolute http(s) URL")]
    [InlineData("Router:Endpoints:default:Url", "https://x/models?api-version=1", "must not carry a query")]
    [InlineData("Router:Endpoints:default:Api", "grpc", "Router__Endpoints__default__Api 'grpc' is not one of: models, openai")]
    [InlineData("Router:Storage:ConnectionString", "", "Table storage is not configured")]
    [InlineData("Router:AliasCacheTtl", "00:00:00", "AliasCacheTtl")]
    [InlineData("Router:MaxRequestBodyBytes", "10", "MaxRequestBodyBytes")]
    [InlineData("Router:TableWaitTimeout", "00:00:00.010", "TableWaitTimeout")]
    [InlineData("Router:TableWaitTimeout", "00:00:15", "Router__TableWaitTimeout (00:00:15) must not be longer than Router__TableOperationTimeout")]
    [InlineData("Router:TableOperationTimeout", "00:05:00", "TableOperationTimeout")]
    [InlineData("Router:CircuitBreakerProbeInterval", "00:00:00.010", "CircuitBreakerProbeInterval")]
    [InlineData("Router:CircuitBreakerProbeInterval", "00:01:00", "Router__CircuitBreakerProbeInterval (00:01:00) must not be longer than Router__CircuitBreakerDuration")]
    [InlineData("Router:ResponsesTable", "", "ResponsesTable")]
    [InlineData("Router:ResponsesTable", "response-affinity", "Router__ResponsesTable must be 3-63 letters and digits")]
    [InlineData("Router:UsageQueueBytes", "1000", "UsageQueueBytes")]
    [InlineData("Router:Currency", "usd", "Router__Currency must be an ISO 4217 currency code")]
    [InlineData("Router:Currency", "EURO", "Router__Currency must be an ISO 4217 currency code")]
    [InlineData("Router:Currency", "", "Currency")]
    public void Validate_BadSetting_FailsNamingIt(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>(Valid) { [key] = value };

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Router:Entra:TenantId", "contoso", "Router__Entra__TenantId 'contoso' is not a directory (tenant) id")]
    [InlineData("Router:Entra:Audience", "", "Router__Entra__Audience is missing")]
    [InlineData("Router:Entra:Authority", "http://login.example.com/{tenant}/v2.0", "plain http is accepted only for a loopback host")]
    [InlineData("Router:Entra:Authority", "not a url", "Router__Entra__Authority")]
    [InlineData("Router:Cors:AllowedOrigins", "https://app.example/", "'https://app.example/' is not an origin")]
    [InlineData("Router:Cors:AllowedOrigins", "https://ok.example, app.example", "'app.example' is not an origin")]
    [InlineData("Router:CallerCacheTtl", "00:10:00", "CallerCacheTtl")]
    public void Validate_BadCallerSetting_FailsNamingIt(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Router:Entra:TenantId"] = "7f1c1b8e-4b8a-4f3e-9d5e-2a1b3c4d5e6f",
            ["Router:Entra:Audience"] = "api://gateway",
            [key] = value,
        };

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AudienceWithoutTenant_FailsNamingTheTenantSetting()
    {
        var settings = new Dictionary<string, string?>(Valid) { ["Router:Entra:Audience"] = "api://gateway" };

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains("Router__Entra__TenantId is not", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EntraAndLoopbackAuthority_SucceedsWithTheTenantFilledIn()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Router:Entra:TenantId"] = "7f1c1b8e-4b8a-4f3e-9d5e-2a1b3c4d5e6f",
            ["Router:Entra:Audience"] = "11111111-1111-1111-1111-111111111111, api://gateway",
            ["Router:Entra:Authority"] = "http://127.0.0.1:5000/{tenant}/v2.0",
        };

        var options = Resolve(settings);

        Assert.Equal("http://127.0.0.1:5000/7f1c1b8e-4b8a-4f3e-9d5e-2a1b3c4d5e6f/v2.0", options.Entra.ResolvedAuthority);
        Assert.Equal(["11111111-1111-1111-1111-111111111111", "api://gateway"], options.Entra.Audiences);
        Assert.False(options.AllowAnonymous);
    }

    [Fact]
    public void Validate_NoEndpointAtAll_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Router:Storage:ConnectionString"] = "UseDevelopmentStorage=true" }));

        Assert.Contains("Router__Endpoints__default__Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IdentityBasedWebJobsStorage_DerivesTableServiceUri()
    {
        var settings = new Dictionary<string, string?>(Valid) { ["Router:Storage:ConnectionString"] = null, ["AzureWebJobsStorage:accountName"] = "acct" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        Assert.True(TableStorageLocation.TryResolve(new StorageOptions(), configuration, out var location, out _));
        Assert.Equal(new Uri("https://acct.table.core.windows.net"), location.ServiceUri);
    }

    private static RouterOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddFunctionsRouterGateway().BuildServiceProvider();
        return services.GetRequiredService<IOptions<RouterOptions>>().Value;
    }
}
