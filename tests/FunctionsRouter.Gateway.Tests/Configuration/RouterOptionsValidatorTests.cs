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
    }

    [Theory]
    [InlineData("Router:Endpoints:default:Url", "", "Router__Endpoints__default__Url is missing")]
    [InlineData("Router:Endpoints:default:Url", "not a url", "Router__Endpoints__default__Url 'not a url' is not an absolute http(s) URL")]
    [InlineData("Router:Endpoints:default:Url", "https://x/models?api-version=1", "must not carry a query")]
    [InlineData("Router:Endpoints:default:Api", "grpc", "Router__Endpoints__default__Api 'grpc' is not one of: models, openai")]
    [InlineData("Router:Storage:ConnectionString", "", "Table storage is not configured")]
    [InlineData("Router:AliasCacheTtl", "00:00:00", "AliasCacheTtl")]
    [InlineData("Router:MaxRequestBodyBytes", "10", "MaxRequestBodyBytes")]
    [InlineData("Router:UsageQueueBytes", "1000", "UsageQueueBytes")]
    public void Validate_BadSetting_FailsNamingIt(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>(Valid) { [key] = value };

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
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
