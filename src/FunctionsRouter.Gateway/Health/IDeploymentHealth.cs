using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Gateway.Health;

/// <summary>
/// Which deployments are cooling down or have an open circuit, shared by every gateway instance. Reads cost no I/O;
/// what one instance learns reaches the others through storage, a little later.
/// </summary>
public interface IDeploymentHealth
{
    /// <summary>
    /// Whether <paramref name="target"/>'s deployment is out of rotation at <paramref name="now"/>. An open circuit answers
    /// <see langword="false"/> once per probe interval: the request that asked is its probe.
    /// </summary>
    /// <param name="target">The target to check.</param>
    /// <param name="now">The time to check against.</param>
    /// <param name="until">When it comes back; meaningful only when the answer is <see langword="true"/>.</param>
    bool IsCoolingDown(AliasTarget target, DateTimeOffset now, out DateTimeOffset until);

    /// <summary>What this instance knows of the deployment's cooldown or circuit at <paramref name="now"/>, changing nothing (no probe is taken).</summary>
    DeploymentState GetState(AliasTarget target, DateTimeOffset now);

    /// <summary>The deployment answered (anything but a failure): its run of failures ends, and an open circuit closes.</summary>
    void ReportSuccess(AliasTarget target);

    /// <summary>An attempt on the deployment failed.</summary>
    /// <param name="target">The target that failed.</param>
    /// <param name="failure">How it failed.</param>
    /// <param name="retryAfter">How long the upstream asked to be left alone, if it said.</param>
    /// <param name="callerId">Who sent the request (<c>CallerIdentity.Id</c>): one caller's failures alone cannot open a circuit.</param>
    void ReportFailure(AliasTarget target, DeploymentFailure failure, TimeSpan? retryAfter, string callerId);
}
