using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Gateway.Management;

/// <summary>One target of an alias, as the management API reads and writes it (<c>targets[]</c>).</summary>
/// <param name="Name">The target's name within the alias (the row's RowKey): 1 to 64 letters, digits, <c>-</c>, <c>_</c>, <c>.</c>.</param>
/// <param name="Deployment">The deployment name sent upstream as <c>model</c>.</param>
/// <param name="Endpoint">The name of an endpoint in the gateway's settings (<c>Router__Endpoints__&lt;name&gt;__Url</c>). Default <c>default</c>.</param>
/// <param name="Enabled">Whether the target may serve. Default true.</param>
/// <param name="Priority">Lower serves first; a whole number. Default 0.</param>
/// <param name="Weight">Share within a priority group; a whole number of zero or more. Default 1.</param>
/// <param name="Price">What the deployment charges per million tokens, in <c>Router__Currency</c>; absent for none.</param>
public sealed record AliasTargetView(string Name, string Deployment, string Endpoint, bool Enabled, int Priority, int Weight, TargetPrice? Price = null)
{
    public static AliasTargetView From(AliasTarget target) =>
        new(target.Name, target.Deployment, target.Endpoint, target.Enabled, target.Priority, target.Weight, target.Price);
}
