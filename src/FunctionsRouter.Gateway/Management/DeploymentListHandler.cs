using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Health;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// <c>GET /api/manage/deployments</c>: every alias target of the catalog this instance routes with, with its enabled
/// flag and its cooldown or open circuit as this instance and the shared health table (as last read) see them. Reading
/// it takes no circuit probe and changes nothing.
/// </summary>
public sealed class DeploymentListHandler
{
    private readonly ManagementExchange _exchange;
    private readonly IAliasCatalog _catalog;
    private readonly IDeploymentHealth _health;
    private readonly TimeProvider _time;

    internal DeploymentListHandler(ManagementExchange exchange, IAliasCatalog catalog, IDeploymentHealth health, TimeProvider time)
    {
        _exchange = exchange;
        _catalog = catalog;
        _health = health;
        _time = time;
    }

    public Task ListAsync(HttpContext context) => _exchange.RunAsync(context, readsBody: false, async request =>
    {
        AliasCatalogSnapshot snapshot;
        try
        {
            snapshot = await _catalog.GetSnapshotAsync(request.CancellationToken).ConfigureAwait(false);
        }
        catch (AliasCatalogUnavailableException)
        {
            throw new ManagementException(GatewayErrors.AliasCatalogUnavailable);
        }

        var now = _time.GetUtcNow();
        var deployments = new List<DeploymentView>();
        foreach (var route in snapshot.Routes)
        {
            foreach (var target in route.Targets)
            {
                var state = _health.GetState(target, now);
                deployments.Add(new DeploymentView(
                    route.Alias,
                    target.Name,
                    target.Endpoint,
                    target.Deployment,
                    target.Enabled,
                    target.Priority,
                    target.Weight,
                    state.OutOfRotation,
                    state.LocalCooldownUntil,
                    state.LocalCircuitOpenUntil,
                    state.SharedUntil,
                    state.SharedCircuitOpen));
            }
        }

        return ManagementReply.Create(new DeploymentListView(now, deployments), ManagementJsonContext.Default.DeploymentListView);
    });
}
