using FunctionsRouter.Gateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Tests.Support;

/// <summary>
/// The gateway wired exactly as the Functions app wires it, with settings that name an endpoint and storage nobody
/// listens on: good for requests the gateway rejects before routing (nothing is contacted for them).
/// </summary>
internal static class GatewayServices
{
    public static ServiceProvider Build(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Router:Endpoints:default:Url"] = "http://127.0.0.1:9/models",
            ["Router:Endpoints:default:Key"] = "test",
            ["Router:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            // Most adapter tests are about what happens after admission; Admission tests override this.
            ["Router:AllowAnonymous"] = "true",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddFunctionsRouterGateway()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
