using System.Globalization;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Management;

namespace FunctionsRouter.Cli.Aliases;

/// <summary>
/// How the <c>aliases</c> management commands print what the gateway's <see cref="AliasOperations"/> returned: readable
/// lines, or the same JSON the <c>/api/manage/aliases</c> routes answer with (<see cref="ManagementJsonContext"/>).
/// </summary>
internal static class AliasOutputs
{
    public static CommandOutput List(AliasListView list, string tableName) => CommandOutput.Create(
        list,
        ManagementJsonContext.Default.AliasListView,
        list.Aliases.Count == 0
            ? $"No aliases in table {tableName}."
            : string.Join(Environment.NewLine, list.Aliases.Select(alias =>
                $"{alias.Alias}  {string.Join("  ", alias.Targets.Select(Describe))}" +
                (alias.Problems is { Count: > 0 } problems ? $"  ({problems.Count} unusable row(s): `aliases show {alias.Alias}`)" : string.Empty))));

    public static CommandOutput Shown(AliasView alias) =>
        CommandOutput.Create(alias, ManagementJsonContext.Default.AliasView, DescribeInFull(alias));

    public static CommandOutput Set(AliasView alias, bool created) => CommandOutput.Create(
        alias,
        ManagementJsonContext.Default.AliasView,
        $"{(created ? "Created" : "Replaced")} alias {alias.Alias}: {alias.Targets.Count} target(s), etag {alias.ETag}." + Environment.NewLine + DescribeInFull(alias));

    public static CommandOutput Deleted(DeletedAliasView deleted) => CommandOutput.Create(
        deleted,
        ManagementJsonContext.Default.DeletedAliasView,
        $"Deleted alias {deleted.Alias} and its {deleted.TargetsDeleted} target row(s).");

    public static CommandOutput History(string alias, AuditPageView page) => CommandOutput.Create(
        page,
        ManagementJsonContext.Default.AuditPageView,
        (page.Entries.Count == 0 ? $"No recorded change of alias {alias}." : string.Join(Environment.NewLine, page.Entries.Select(entry =>
            string.Create(CultureInfo.InvariantCulture, $"{entry.At:u}  {entry.Action}  by {entry.Who}  request {entry.RequestId}  targets: {Count(entry.Before)} -> {Count(entry.After)}")))) +
        (page.ContinuationToken is { } next ? Environment.NewLine + $"More: --continuation-token '{next}'" : string.Empty));

    private static string DescribeInFull(AliasView alias)
    {
        var lines = new List<string> { $"Alias {alias.Alias} (etag {alias.ETag})" };
        lines.AddRange(alias.Targets.Select(target => "  " + Describe(target)));
        lines.AddRange((alias.Problems ?? []).Select(problem => $"  unusable row '{problem.Row}': {problem.Problem}"));
        return string.Join(Environment.NewLine, lines);
    }

    private static string Describe(AliasTargetView target) =>
        string.Create(CultureInfo.InvariantCulture, $"{target.Name} -> {target.Endpoint}/{target.Deployment} (priority {target.Priority}, weight {target.Weight}{(target.Enabled ? string.Empty : ", disabled")}") +
        (target.Price is { } price
            ? string.Create(CultureInfo.InvariantCulture, $", price {price.InputPerMillion}/{price.CachedInputPerMillion}/{price.OutputPerMillion} per million)")
            : ")");

    private static string Count(System.Text.Json.JsonElement? targets) =>
        targets is { ValueKind: System.Text.Json.JsonValueKind.Array } list ? list.GetArrayLength().ToString(CultureInfo.InvariantCulture) : "none";
}
