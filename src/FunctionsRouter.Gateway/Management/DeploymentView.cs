namespace FunctionsRouter.Gateway.Management;

/// <summary>One alias target as this instance routes it (<c>GET /api/manage/deployments</c>).</summary>
/// <param name="Alias">The alias.</param>
/// <param name="Target">The target's name within the alias.</param>
/// <param name="Endpoint">The endpoint in settings.</param>
/// <param name="Deployment">The deployment sent upstream.</param>
/// <param name="Enabled">The target's enabled flag.</param>
/// <param name="Priority">Lower serves first.</param>
/// <param name="Weight">Share within its priority.</param>
/// <param name="OutOfRotation">Whether requests skip it now (a cooldown or an open circuit, here or in the shared table).</param>
/// <param name="CooldownUntil">Until when this instance keeps it out; absent when it does not.</param>
/// <param name="CircuitOpenUntil">When this instance's open circuit on it ends; absent when there is none.</param>
/// <param name="SharedUntil">Until when the shared health table keeps it out, as this instance last read it; absent when not.</param>
/// <param name="SharedCircuitOpen">Whether that shared row is an open circuit.</param>
public sealed record DeploymentView(
    string Alias,
    string Target,
    string Endpoint,
    string Deployment,
    bool Enabled,
    int Priority,
    int Weight,
    bool OutOfRotation,
    DateTimeOffset? CooldownUntil,
    DateTimeOffset? CircuitOpenUntil,
    DateTimeOffset? SharedUntil,
    bool SharedCircuitOpen);
