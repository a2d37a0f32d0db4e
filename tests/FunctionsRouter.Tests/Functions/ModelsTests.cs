using FunctionsRouter.Functions;
using FunctionsRouter.Tests.Support;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Tests.Functions;

public sealed class ModelsTests
{
    [Fact]
    public void ListModels_Metadata_AnonymousGetAndPreflightOnV1Models()
    {
        var trigger = FunctionMetadata.HttpTriggers(typeof(Models))[nameof(Models.ListModels)];

        Assert.Equal(AuthorizationLevel.Anonymous, trigger.AuthLevel);
        Assert.Equal(["get", "options"], trigger.Methods ?? []);
        Assert.Equal("v1/models", trigger.Route);
    }

    [Fact]
    public void RetrieveModel_Metadata_AnonymousGetAndOptionsOnV1ModelsAlias()
    {
        var triggers = FunctionMetadata.HttpTriggers(typeof(Models));
        var trigger = triggers[nameof(Models.RetrieveModel)];

        Assert.Equal(2, triggers.Count);
        Assert.Equal(AuthorizationLevel.Anonymous, trigger.AuthLevel);
        Assert.Equal(["get", "options"], trigger.Methods ?? []);
        Assert.Equal("v1/models/{alias}", trigger.Route);
    }

    [Fact]
    public void AllFunctions_Metadata_AllAnonymousSinceTheGatewayAdmitsAndRoutesAreDistinct()
    {
        var triggers = typeof(Models).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Models).Namespace && t.IsClass && t.IsPublic)
            .SelectMany(t => FunctionMetadata.HttpTriggers(t))
            .ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal(
            [
                "health",
                "manage/aliases", "manage/aliases/{alias}", "manage/aliases/{alias}", "manage/aliases/{alias}", "manage/aliases/{alias}/history",
                "manage/callers", "manage/callers", "manage/callers/{id}", "manage/callers/{id}", "manage/callers/{id}", "manage/callers/{id}/disable",
                "manage/callers/{id}/enable", "manage/callers/{id}/history", "manage/callers/{id}/rotate", "manage/deployments", "manage/openapi.json",
                "models/chat/completions", "models/embeddings", "openai/deployments/{alias}/chat/completions", "openai/deployments/{alias}/embeddings",
                "openai/responses", "openai/responses/{id}", "openai/responses/{id}/cancel", "openai/responses/{id}/input_items",
                "v1/chat/completions", "v1/embeddings", "v1/models", "v1/models/{alias}", "v1/responses", "v1/responses/{id}", "v1/responses/{id}/cancel", "v1/responses/{id}/input_items",
            ],
            triggers.Values.Select(t => t.Route!).Order(StringComparer.Ordinal));
        // No route relies on the host's function key: callers authenticate to the gateway itself (Callers/CallerAdmission).
        Assert.All(triggers.Values, t => Assert.Equal(AuthorizationLevel.Anonymous, t.AuthLevel));
    }
}
