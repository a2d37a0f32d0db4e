using System.Text.Json;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Errors;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// Alias management, once, for every surface (the <c>/api/manage/aliases</c> routes and the command line's
/// <c>aliases …</c>): read, replace whole, delete, history. Every input is checked before anything is written; a change
/// is one transaction (<see cref="AliasRowStore"/>), honours <see cref="WriteCondition"/>, makes this instance's catalog
/// read the table again at once (others see it within <c>Router__AliasCacheTtl</c>) and appends an audit entry.
/// </summary>
/// <param name="store">The alias table.</param>
/// <param name="audit">The audit trail.</param>
/// <param name="endpoints">The endpoint names in settings; <see langword="null"/> when unknown (then not checked).</param>
/// <param name="catalog">This instance's catalog, invalidated after a change; none for the command line.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Where an audit entry that could not be written is reported.</param>
internal sealed class AliasOperations(
    AliasRowStore store,
    AuditStore audit,
    IReadOnlyCollection<string>? endpoints,
    IAliasCatalog? catalog,
    TimeProvider time,
    ILogger logger)
{
    public const string SetAction = "set";
    public const string DeleteAction = "delete";

    public string TableName => store.TableName;

    public async Task<AliasListView> ListAsync(CancellationToken cancellationToken)
    {
        var partitions = await store.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        return new AliasListView([.. partitions.Where(p => p.Exists).Select(View)]);
    }

    public async Task<AliasView> GetAsync(string alias, CancellationToken cancellationToken)
    {
        CheckName(alias);
        var partition = await store.ReadAsync(alias, cancellationToken).ConfigureAwait(false);
        return partition.Exists ? View(partition) : throw NotFound(alias);
    }

    /// <summary>Replaces the alias's whole target list with the one in <paramref name="definition"/> (created if new).</summary>
    /// <returns>The alias as written, and whether it is new.</returns>
    public async Task<(AliasView Alias, bool Created)> SetAsync(string alias, JsonElement definition, WriteCondition condition, ManagementActor actor, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!AliasNames.IsValid(alias))
        {
            problems.Add(NameProblem(alias));
        }

        var targets = AliasDefinitionReader.Read(definition, endpoints, problems);
        if (problems.Count > 0 || targets is null)
        {
            throw new ManagementException(GatewayErrorCode.InvalidAlias, "The alias is not valid: " + string.Join("; ", problems) + ".", "targets");
        }

        var before = await store.ReadAsync(alias, cancellationToken).ConfigureAwait(false);
        Check(condition, before);
        var now = time.GetUtcNow();
        var ordered = targets.OrderBy(t => t.Priority).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        var etag = await store.ReplaceAsync(before, ordered, actor, now, condition.IsConditional, cancellationToken).ConfigureAwait(false);
        catalog?.Invalidate();

        var after = new AliasView(before.Alias, etag, ordered);
        await AuditAsync(before.Alias, SetAction, actor, now, before.Exists ? View(before).Targets : null, ordered, cancellationToken).ConfigureAwait(false);
        return (after, !before.Exists);
    }

    /// <summary>Deletes the alias, every target and its version, in one transaction.</summary>
    public async Task<DeletedAliasView> DeleteAsync(string alias, WriteCondition condition, ManagementActor actor, CancellationToken cancellationToken)
    {
        CheckName(alias);
        var before = await store.ReadAsync(alias, cancellationToken).ConfigureAwait(false);
        if (!before.Exists)
        {
            throw condition.IfMatch is not null ? Changed(alias) : NotFound(alias);
        }

        Check(condition, before);
        await store.DeleteAsync(before, condition.IsConditional, cancellationToken).ConfigureAwait(false);
        catalog?.Invalidate();
        await AuditAsync(before.Alias, DeleteAction, actor, time.GetUtcNow(), View(before).Targets, null, cancellationToken).ConfigureAwait(false);
        return new DeletedAliasView(before.Alias, Deleted: true, before.Rows.Count);
    }

    /// <summary>The alias's changes, newest first, a page at a time (also after the alias was deleted).</summary>
    public Task<AuditPageView> HistoryAsync(string alias, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        CheckName(alias);
        return audit.ReadAsync(AuditStore.AliasEntity(alias), pageSize, continuationToken, cancellationToken);
    }

    private AliasView View(AliasPartition partition)
    {
        var targets = new List<AliasTargetView>();
        var problems = new List<AliasRowProblem>();
        foreach (var row in partition.Rows)
        {
            if (!AliasRowReader.TryRead(row, out var target, out var problem))
            {
                problems.Add(new AliasRowProblem(row.RowKey, problem!));
            }
            else if (endpoints is not null && !endpoints.Contains(target!.Endpoint, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new AliasRowProblem(row.RowKey, $"endpoint '{target.Endpoint}' is not defined in settings (Router__Endpoints__{target.Endpoint}__Url)"));
            }
            else
            {
                targets.Add(AliasTargetView.From(target!));
            }
        }

        return new AliasView(
            partition.Alias,
            partition.ETag,
            [.. targets.OrderBy(t => t.Priority).ThenBy(t => t.Name, StringComparer.Ordinal)],
            problems.Count == 0 ? null : problems);
    }

    private async Task AuditAsync(string alias, string action, ManagementActor actor, DateTimeOffset at, IReadOnlyList<AliasTargetView>? before, IReadOnlyList<AliasTargetView>? after, CancellationToken cancellationToken)
    {
        try
        {
            await audit.AppendAsync(
                AuditStore.AliasEntity(alias),
                action,
                actor,
                at,
                before is null ? null : JsonSerializer.Serialize(before, ManagementJsonContext.Default.IReadOnlyListAliasTargetView),
                after is null ? null : JsonSerializer.Serialize(after, ManagementJsonContext.Default.IReadOnlyListAliasTargetView),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
        {
            // The change is made and cannot be undone by a failed audit write: say so where operators look.
            ManagementLog.AuditWriteFailed(logger, AuditStore.AliasEntity(alias), action, actor.CallerId, actor.RequestId, ex);
        }
    }

    private static void Check(WriteCondition condition, AliasPartition before)
    {
        if (condition.IfNoneMatchAny && before.Exists)
        {
            throw new ManagementException(GatewayErrorCode.PreconditionFailed, $"Alias '{before.Alias}' already exists (If-None-Match: *); nothing was written.");
        }

        if (condition.IfMatch is { } expected && !(expected == "*" ? before.Exists : string.Equals(expected, before.ETag, StringComparison.Ordinal)))
        {
            throw Changed(before.Alias);
        }
    }

    private static void CheckName(string alias)
    {
        if (!AliasNames.IsValid(alias))
        {
            throw new ManagementException(GatewayErrorCode.InvalidAlias, "The alias is not valid: " + NameProblem(alias) + ".", "alias");
        }
    }

    private static string NameProblem(string alias) =>
        $"alias: must be 1 to {AliasNames.MaxLength} letters, digits, '-', '_', '.', ':' or '@'; got '{AliasNames.Shown(alias)}'";

    private static ManagementException Changed(string alias) =>
        new(GatewayErrorCode.PreconditionFailed, $"Alias '{alias}' does not have the ETag given in If-Match (it changed, or was deleted, since it was read); nothing was written.");

    private ManagementException NotFound(string alias) =>
        new(GatewayErrorCode.AliasNotFound, $"No alias '{AliasNames.Shown(alias)}' in table {store.TableName}.", "alias");
}
