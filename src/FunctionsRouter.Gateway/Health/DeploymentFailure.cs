namespace FunctionsRouter.Gateway.Health;

/// <summary>How an upstream attempt failed, as far as the deployment's health is concerned.</summary>
public enum DeploymentFailure
{
    /// <summary>429: the deployment is over its rate limit. It cools down for as long as it says, else the default.</summary>
    Throttled,

    /// <summary>503: the deployment is unavailable for now. It cools down for as long as it says, else the default.</summary>
    Unavailable,

    /// <summary>408, 500, 502, 504 or a stream that broke off: counts towards the circuit.</summary>
    ServerError,

    /// <summary>The upstream stayed silent past the idle timeout: counts towards the circuit.</summary>
    Timeout,

    /// <summary>The upstream could not be reached: counts towards the circuit.</summary>
    Unreachable,
}
