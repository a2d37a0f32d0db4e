using FunctionsRouter.Functions;
using FunctionsRouter.Tests.Support;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Tests.Functions;

public sealed class ModelsTests
{
    [Fact]
    public void ListModels_Metadata_AnonymousGetAndPreflightOnV1Models()
    {
        var trigger = Assert.Single(FunctionMetadata.HttpTriggers(typeof(Models)));

        Assert.Equal(nameof(Models.ListModels), trigger.Key);
        Assert.Equal(AuthorizationLevel.Anonymous, trigger.Value.AuthLevel);
        Assert.Equal(["get", "options"], trigger.Value.Methods ?? []);
        Assert.Equal("v1/models", trigger.Value.Route);
    }

    [Fact]
    public void AllFunctions_Metadata_AllAnonymousSinceTheGatewayAdmitsAndRoutesAreDistinct()
    {
        var triggers = typeof(Models).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Models).Namespace && t.IsClass && t.IsPublic)
            .SelectMany(t => FunctionMetadata.HttpTriggers(t))
            .ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal(
            ["health", "models/chat/completions", "models/embeddings", "v1/chat/completions", "v1/embeddings", "v1/models"],
            triggers.Values.Select(t => t.Route!).Order(StringComparer.Ordinal));
        // No route relies on the host's function key: callers authenticate to the gateway itself (Callers/CallerAdmission).
        Assert.All(triggers.Values, t => Assert.Equal(AuthorizationLevel.Anonymous, t.AuthLevel));
    }
}
