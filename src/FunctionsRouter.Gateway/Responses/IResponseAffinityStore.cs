namespace FunctionsRouter.Gateway.Responses;

/// <summary>
/// Remembers which target served each response the gateway relayed, so that calls about that response (a follow-up
/// with <c>previous_response_id</c>, GET, DELETE, cancel, input items) go back to the deployment that holds it.
/// </summary>
public interface IResponseAffinityStore
{
    /// <summary>Records where a response lives. Returns at once: the durable write happens off the request path.</summary>
    void Remember(ResponseAffinity affinity);

    /// <summary>Finds where <paramref name="responseId"/> lives, if <paramref name="callerId"/> created it.</summary>
    ValueTask<ResponseAffinityLookup> FindAsync(string responseId, string callerId, CancellationToken cancellationToken = default);
}
