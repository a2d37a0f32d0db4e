using Azure.Data.Tables;
using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Cli.Aliases;

/// <summary>
/// The row seeded for a model deployment, in the alias table's contract: partition key = alias (lower-case), row key =
/// target name, and the columns the gateway reads (<see cref="AliasRowReader"/>'s names, so the two cannot drift apart).
/// </summary>
internal static class DefaultAliasRow
{
    /// <summary>Row key of the seeded target.</summary>
    public const string TargetName = "primary";


    /// <summary>The alias of a deployment: its name lower-cased.</summary>
    public static string GetAlias(string deploymentName) => deploymentName.ToLowerInvariant();

    /// <summary>Creates the row that routes the alias of <paramref name="deploymentName"/> to that deployment.</summary>
    public static TableEntity Create(string deploymentName) =>
        new(GetAlias(deploymentName), TargetName)
        {
            [AliasRowReader.DeploymentColumn] = deploymentName,
            [AliasRowReader.EndpointColumn] = AliasRowReader.DefaultEndpoint,
            [AliasRowReader.EnabledColumn] = true,
            [AliasRowReader.PriorityColumn] = 0,
            [AliasRowReader.WeightColumn] = 1,
        };
}
