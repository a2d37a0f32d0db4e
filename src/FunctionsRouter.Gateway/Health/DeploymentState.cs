namespace FunctionsRouter.Gateway.Health;

/// <summary>
/// A deployment's health as one instance sees it, for people (<c>GET /api/manage/deployments</c>): no probe is taken.
/// </summary>
/// <param name="LocalCooldownUntil">Until when this instance keeps it out (cooldown or circuit); absent when not.</param>
/// <param name="LocalCircuitOpenUntil">When this instance's open circuit ends; absent when it has none.</param>
/// <param name="SharedUntil">Until when the shared health table keeps it out, as this instance last read it; absent when not.</param>
/// <param name="SharedCircuitOpen">Whether that shared row is an open circuit rather than a cooldown.</param>
public sealed record DeploymentState(DateTimeOffset? LocalCooldownUntil, DateTimeOffset? LocalCircuitOpenUntil, DateTimeOffset? SharedUntil, bool SharedCircuitOpen)
{
    /// <summary>Whether requests skip the deployment now (but for a circuit's probes).</summary>
    public bool OutOfRotation => LocalCooldownUntil is not null || SharedUntil is not null;
}
