using Azure.Data.Tables;

namespace FunctionsRouter.Cli.Aliases;

/// <summary>
/// The row seeded for a model deployment, in the alias table's contract: partition key = alias (lower-case), row key =
/// target name, columns Deployment, Endpoint, Enabled, Priority, Weight.
/// </summary>
internal static class DefaultAliasRow
{
    /// <summary>Row key of the seeded target.</summary>
    public const string TargetName = "primary";

    /// <summary>Name of the endpoint in the gateway's settings (<c>Router__Endpoints__default__*</c>).</summary>
    public const string EndpointName = "default";

    public const string DeploymentColumn = "Deployment";
    public const string EndpointColumn = "Endpoint";
    public const string EnabledColumn = "Enabled";
    public const string PriorityColumn = "Priority";
    public const string WeightColumn = "Weight";

    /// <summary>The alias of a deployment: its name lower-cased.</summary>
    public static string GetAlias(string deploymentName) => deploymentName.ToLowerInvariant();

    /// <summary>Creates the row that routes the alias of <paramref name="deploymentName"/> to that deployment.</summary>
    public static TableEntity Create(string deploymentName) =>
        new(GetAlias(deploymentName), TargetName)
        {
            [DeploymentColumn] = deploymentName,
            [EndpointColumn] = EndpointName,
            [EnabledColumn] = true,
            [PriorityColumn] = 0,
            [WeightColumn] = 1,
        };
}
