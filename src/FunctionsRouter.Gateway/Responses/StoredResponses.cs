using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Gateway.Responses;

/// <summary>The gateway's answers about stored responses, worded once for every route that needs them.</summary>
internal static class StoredResponses
{
    public static GatewayError NotSupported(string alias) =>
        new(GatewayErrorCode.OperationNotSupported, $"Model '{alias}' cannot serve the Responses API: none of its deployments is on an OpenAI v1 ('openai') endpoint.", "model");

    /// <summary>The error for a look-up that found nothing usable (never says whether another caller owns the id).</summary>
    public static GatewayError LookupError(ResponseAffinityLookup lookup, string responseId, string? param) =>
        lookup.Status == ResponseAffinityStatus.Unavailable
            ? new GatewayError(GatewayErrorCode.ResponseStoreUnavailable, "Where that response is stored cannot be looked up right now; try again shortly.", param)
            : new GatewayError(GatewayErrorCode.ResponseNotFound, $"Response with id '{responseId}' not found.", param);
}
