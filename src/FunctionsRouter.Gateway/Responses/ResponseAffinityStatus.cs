namespace FunctionsRouter.Gateway.Responses;

/// <summary>The outcome of a response-id look-up.</summary>
public enum ResponseAffinityStatus
{
    /// <summary>The gateway relayed this response, for this caller, less than 30 days ago.</summary>
    Found,

    /// <summary>Never relayed, relayed for another caller (indistinguishable on purpose), or older than 30 days.</summary>
    NotFound,

    /// <summary>The store did not answer in time and this instance has no memory of the id.</summary>
    Unavailable,
}
