using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Upstream;

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

    /// <summary>
    /// Where a response this caller created lives, for every route that must go back there (a path id, a
    /// <c>previous_response_id</c>): the stored target, or the error to answer with — also when its endpoint has since been
    /// removed from settings — or <see langword="null"/> for both when the caller left while it was looked up.
    /// </summary>
    public static async Task<(ResponseAffinity? Affinity, GatewayError? Error)> FindAsync(
        IResponseAffinityStore store, UpstreamEndpoints endpoints, string responseId, string callerId, string? param, CancellationToken cancellationToken)
    {
        ResponseAffinityLookup lookup;
        try
        {
            lookup = await store.FindAsync(responseId, callerId, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, null);
        }

        return lookup.Affinity is { } affinity && endpoints.Contains(affinity.Endpoint)
            ? (affinity, null)
            : (null, LookupError(lookup, responseId, param));
    }
}
