using System.Security.Cryptography;
using System.Text.Json;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Limits;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// Every change to the caller table, once, for every surface (the command line's <c>callers …</c> and the
/// <c>/api/manage/callers</c> routes), with its arguments already checked. Writes are ordered so that a failure part-way
/// leaves nothing usable half-made: a new caller's key row is written last (and the caller row removed again if it
/// fails), a rotation's new key before the old ones stop, a deletion's keys before the caller. Each change appends an
/// entry to the audit trail (<see cref="AuditStore"/>, entity <c>caller:&lt;id&gt;</c>) with the caller before and after
/// (never a key or a hash).
/// </summary>
/// <param name="store">The caller table.</param>
/// <param name="audit">The audit trail.</param>
/// <param name="actor">Who makes the changes.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Where a caller row left behind, or an audit entry not written, is reported.</param>
/// <param name="changed">Told the caller id after each change, before its audit entry (the gateway's admission drops what it holds of that caller); none from the command line.</param>
internal sealed class CallerOperations(CallerRowStore store, AuditStore audit, ManagementActor actor, TimeProvider time, ILogger logger, Action<string>? changed = null)
{
    public const string CreateAction = "create";
    public const string UpdateAction = "update";
    public const string DeleteAction = "delete";
    public const string RotateAction = "rotate";

    public string TableName => store.TableName;

    /// <summary>A new key caller (id of 16 random hex digits) and its first key, returned once.</summary>
    public async Task<IssuedKeyView> CreateAsync(string name, AliasAccess aliases, DateTimeOffset? expires, bool admin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var caller = new CallerRecord(NewKeyCallerId(), CallerKind.Key, name, Enabled: true, expires, aliases, Subject: null, now) { IsAdmin = admin };
        var key = CallerKeys.Create();

        await store.CreateTableIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var stored = await store.AddCallerAsync(caller, $"A caller with the new id '{caller.Id}' already exists (a one in 2^64 chance); try again.", cancellationToken).ConfigureAwait(false);
        try
        {
            await store.AddKeyAsync(NewKeyRecord(key, caller.Id, now), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await RemoveKeylessCallerAsync(stored).ConfigureAwait(false);
            throw;
        }

        await AuditAsync(caller.Id, CreateAction, null, CallerView.From(caller, now), cancellationToken).ConfigureAwait(false);
        return new IssuedKeyView(caller.Id, caller.Name, key);
    }

    /// <summary>Every caller, by id; an unreadable row is named under <see cref="CallerListView.Problems"/> instead.</summary>
    public async Task<CallerListView> ListAsync(CancellationToken cancellationToken)
    {
        var unreadable = new List<string>();
        var callers = await store.ListCallersAsync(unreadable, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return new CallerListView([.. callers.Select(caller => CallerView.From(caller, now))], unreadable.Count == 0 ? null : unreadable);
    }

    /// <summary>One caller, with its keys' prefixes and dates when it is a key caller.</summary>
    public async Task<CallerView> GetAsync(string id, CancellationToken cancellationToken)
    {
        var caller = await RequireAsync(id, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        IReadOnlyList<CallerKeyView>? keys = null;
        if (caller.Value.Kind == CallerKind.Key)
        {
            keys = [.. (await store.GetKeysAsync(id, cancellationToken).ConfigureAwait(false)).Select(key => CallerKeyView.From(key.Value, now))];
        }

        return CallerView.From(caller.Value, now, keys);
    }

    /// <summary>Replaces the caller's aliases with <paramref name="aliases"/>.</summary>
    public Task<CallerView> GrantAsync(string id, AliasAccess aliases, CancellationToken cancellationToken) =>
        ChangeAsync(id, caller => caller with { Aliases = aliases }, cancellationToken);

    public Task<CallerView> SetEnabledAsync(string id, bool enabled, CancellationToken cancellationToken) =>
        ChangeAsync(id, caller => caller with { Enabled = enabled }, cancellationToken);

    /// <summary>Makes the caller an admin (it may use <c>/api/manage/…</c>) or takes that away.</summary>
    public Task<CallerView> SetAdminAsync(string id, bool admin, CancellationToken cancellationToken) =>
        ChangeAsync(id, caller => caller with { IsAdmin = admin }, cancellationToken);

    /// <summary>
    /// Changes the caller's limits, or with <paramref name="alias"/> its limits on that alias (checked beside its own):
    /// a value given replaces the limit, <c>0</c> removes it, <see langword="null"/> leaves it as it is.
    /// </summary>
    public Task<CallerView> SetLimitsAsync(string id, string? alias, long? rpm, long? tpm, long? tokensPerDay, long? tokensPerMonth, CancellationToken cancellationToken)
    {
        if (alias is not null && !Aliases.AliasNames.IsValid(alias))
        {
            throw new ManagementException(GatewayErrorCode.InvalidAlias, $"'{Aliases.AliasNames.Shown(alias)}' is not a valid alias name.", "alias");
        }

        if (rpm < 0 || tpm < 0 || tokensPerDay < 0 || tokensPerMonth < 0)
        {
            throw new ManagementException(GatewayErrorCode.InvalidCaller, "A limit is a whole number of zero or more (0 removes it).", "limits");
        }

        return ChangeAsync(
            id,
            caller =>
            {
                var current = alias is null ? caller.Limits.Own : caller.Limits.Aliases.GetValueOrDefault(alias) ?? LimitSet.None;
                return caller with { Limits = caller.Limits.With(alias, current.With(rpm, tpm, tokensPerDay, tokensPerMonth)) };
            },
            cancellationToken);
    }

    /// <summary>Applies <paramref name="change"/> to the caller row, only if the row has not changed since it was read.</summary>
    public Task<CallerView> UpdateAsync(string id, Func<CallerRecord, CallerRecord> change, CancellationToken cancellationToken) =>
        ChangeAsync(id, change, cancellationToken);

    /// <summary>Deletes the caller's key rows, then the caller row.</summary>
    public async Task<DeletedCallerView> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var caller = await store.GetCallerAsync(id, cancellationToken).ConfigureAwait(false);
        var keys = await store.GetKeysAsync(id, cancellationToken).ConfigureAwait(false);
        if (caller is null && keys.Count == 0)
        {
            throw NotFound(id);
        }

        foreach (var key in keys)
        {
            await store.DeleteKeyAsync(key, cancellationToken).ConfigureAwait(false);
        }

        if (caller is not null)
        {
            await store.DeleteCallerAsync(caller, cancellationToken).ConfigureAwait(false);
        }

        await AuditAsync(id, DeleteAction, caller is null ? null : CallerView.From(caller.Value, time.GetUtcNow()), null, cancellationToken).ConfigureAwait(false);
        return new DeletedCallerView(id, Deleted: true, keys.Count);
    }

    /// <summary>
    /// A new key for a key caller. Its earlier keys stop at once (their rows deleted) or, with a grace, at now + grace
    /// (an earlier expiry already set is kept). The new key is written first, so the caller is never left keyless.
    /// </summary>
    public async Task<IssuedKeyView> RotateAsync(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        var caller = await RequireAsync(id, cancellationToken).ConfigureAwait(false);
        if (caller.Value.Kind != CallerKind.Key)
        {
            throw new ManagementException(
                GatewayErrorCode.InvalidCaller,
                $"Caller '{id}' is a Microsoft Entra {caller.Value.Kind.ToString().ToLowerInvariant()} grant and holds no keys.");
        }

        var earlier = await store.GetKeysAsync(id, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var key = CallerKeys.Create();
        await store.AddKeyAsync(NewKeyRecord(key, id, now), cancellationToken).ConfigureAwait(false);

        DateTimeOffset? until = grace > TimeSpan.Zero ? now + grace : null;
        foreach (var old in earlier)
        {
            if (until is not { } stop)
            {
                await store.DeleteKeyAsync(old, cancellationToken).ConfigureAwait(false);
            }
            else if (old.Value.ExpiresAt is not { } expires || expires > stop)
            {
                await store.ReplaceKeyAsync(old, old.Value with { ExpiresAt = stop }, cancellationToken).ConfigureAwait(false);
            }
        }

        await AuditAsync(
            id,
            RotateAction,
            CallerView.From(caller.Value, now, [.. earlier.Select(k => CallerKeyView.From(k.Value, now))]),
            await GetAsync(id, cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        return new IssuedKeyView(id, caller.Value.Name, key, earlier.Count, until);
    }

    /// <summary>Registers one Microsoft Entra principal (user, app, managed identity) by object id.</summary>
    public Task<CallerView> AddPrincipalAsync(Guid objectId, string name, AliasAccess aliases, bool admin, CancellationToken cancellationToken)
    {
        var id = CallerTable.PrincipalId(objectId);
        return AddGrantAsync(
            new CallerRecord(id, CallerKind.Principal, name, Enabled: true, ExpiresAt: null, aliases, objectId.ToString("D"), time.GetUtcNow()) { IsAdmin = admin },
            $"Principal {objectId:D} is already registered as caller '{id}'; change its aliases with `callers grant {id} --aliases …`.",
            cancellationToken);
    }

    /// <summary>Grants every Microsoft Entra principal holding the app role <paramref name="role"/>.</summary>
    public Task<CallerView> AddRoleAsync(string role, string name, AliasAccess aliases, CancellationToken cancellationToken)
    {
        var id = CallerTable.RoleId(role);
        return AddGrantAsync(
            new CallerRecord(id, CallerKind.Role, name, Enabled: true, ExpiresAt: null, aliases, role, time.GetUtcNow()),
            $"App role '{role}' is already registered as caller '{id}'; change its aliases with `callers grant {id} --aliases …`.",
            cancellationToken);
    }

    /// <summary>
    /// Without its key a new caller row is of no use: remove it, so a failed create leaves nothing behind. Not cancelled
    /// with the request (Ctrl+C during a create still cleans up), and bounded by the client's timeouts.
    /// </summary>
    private async Task RemoveKeylessCallerAsync(StoredRow<CallerRecord> caller)
    {
        try
        {
            await store.DeleteCallerAsync(caller, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException or OperationCanceledException or ManagementException)
        {
            ManagementLog.KeylessCallerLeft(logger, caller.Value.Id);
        }
    }

    private async Task<CallerView> AddGrantAsync(CallerRecord caller, string conflictMessage, CancellationToken cancellationToken)
    {
        await store.CreateTableIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await store.AddCallerAsync(caller, conflictMessage, cancellationToken).ConfigureAwait(false);
        var view = CallerView.From(caller, time.GetUtcNow());
        await AuditAsync(caller.Id, CreateAction, null, view, cancellationToken).ConfigureAwait(false);
        return view;
    }

    private async Task<CallerView> ChangeAsync(string id, Func<CallerRecord, CallerRecord> change, CancellationToken cancellationToken)
    {
        var caller = await RequireAsync(id, cancellationToken).ConfigureAwait(false);
        var changed = change(caller.Value);
        await store.ReplaceCallerAsync(caller, changed, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var view = CallerView.From(changed, now);
        await AuditAsync(id, UpdateAction, CallerView.From(caller.Value, now), view, cancellationToken).ConfigureAwait(false);
        return view;
    }

    /// <summary>The change is made and cannot be undone by a failed audit write: that is logged, not thrown.</summary>
    private async Task AuditAsync(string id, string action, CallerView? before, CallerView? after, CancellationToken cancellationToken)
    {
        changed?.Invoke(id); // Every change ends here, whatever its surface.
        try
        {
            await audit.AppendAsync(
                AuditStore.CallerEntity(id),
                action,
                actor,
                time.GetUtcNow(),
                before is null ? null : JsonSerializer.Serialize(before, ManagementJsonContext.Default.CallerView),
                after is null ? null : JsonSerializer.Serialize(after, ManagementJsonContext.Default.CallerView),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
        {
            ManagementLog.AuditWriteFailed(logger, AuditStore.CallerEntity(id), action, actor.CallerId, actor.RequestId, ex);
        }
    }

    /// <summary>The caller's changes, newest first, a page at a time.</summary>
    public Task<AuditPageView> HistoryAsync(string id, int pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        audit.ReadAsync(AuditStore.CallerEntity(id), pageSize, continuationToken, cancellationToken);

    private async Task<StoredRow<CallerRecord>> RequireAsync(string id, CancellationToken cancellationToken) =>
        await store.GetCallerAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);

    private ManagementException NotFound(string id) =>
        new(GatewayErrorCode.CallerNotFound, $"No caller has the id '{id}' in table {store.TableName}. `callers list` shows them.");

    private static CallerKeyRecord NewKeyRecord(string key, string callerId, DateTimeOffset now) =>
        new(CallerKeys.Hash(key), callerId, CallerKeys.DisplayPrefix(key), now, ExpiresAt: null);

    private static string NewKeyCallerId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
