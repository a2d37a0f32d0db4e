namespace FunctionsRouter.Gateway.Management;

/// <summary>Every alias target with its health, as this instance sees it at <paramref name="At"/>.</summary>
public sealed record DeploymentListView(DateTimeOffset At, IReadOnlyList<DeploymentView> Deployments);
