using System.Security.Cryptography;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Cli.Callers;

/// <summary>
/// What each <c>callers</c> command does to the caller table, with its arguments already checked. Writes are ordered
/// so that a failure part-way leaves nothing usable half-made: a new caller's key row is written last (and the caller
/// row removed again if it fails), a rotation's new key before the old ones stop, a deletion's keys before the caller.
/// </summary>
internal sealed class CallerOperations(CallerStore store, TimeProvider time, TextWriter notes)
{
    /// <summary>A new key caller (id of 16 random hex digits) and its first key, printed once.</summary>
    public async Task<CommandOutput> CreateAsync(string name, AliasAccess aliases, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var caller = new CallerRecord(NewKeyCallerId(), CallerKind.Key, name, Enabled: true, expires, aliases, Subject: null, now);
        var key = CallerKeys.Create();

        await store.CreateTableIfNotExistsAsync(cancellationToken);
        var stored = await store.AddCallerAsync(caller, $"A caller with the new id '{caller.Id}' already exists (a one in 2^64 chance); run the command again.", cancellationToken);
        try
        {
            await store.AddKeyAsync(NewKeyRecord(key, caller.Id, now), cancellationToken);
        }
        catch
        {
            await RemoveKeylessCallerAsync(stored);
            throw;
        }

        var text =
            $"Created caller {caller.Id} '{caller.Name}' (aliases: {Describe(aliases)}{(expires is { } e ? $"; expires {e:u}" : string.Empty)})." +
            Environment.NewLine + "Its key, shown only this once (only its hash is stored); keep it now:" + Environment.NewLine + key;
        return CommandOutput.Create(new IssuedKeyView(caller.Id, caller.Name, key), CliJsonContext.Default.IssuedKeyView, text);
    }

    public async Task<CommandOutput> ListAsync(CancellationToken cancellationToken)
    {
        var unreadable = new List<string>();
        var callers = await store.ListCallersAsync(unreadable, cancellationToken);
        foreach (var note in unreadable)
        {
            await notes.WriteLineAsync(note);
        }

        var now = time.GetUtcNow();
        var views = callers.Select(caller => CallerView.From(caller, now)).ToList();
        var text = views.Count == 0
            ? $"No callers in table {store.TableName}."
            : string.Join(Environment.NewLine, views.Select(view => view.Describe()));
        return CommandOutput.Create(new CallerListView(views), CliJsonContext.Default.CallerListView, text);
    }

    public async Task<CommandOutput> ShowAsync(string id, CancellationToken cancellationToken)
    {
        var caller = await RequireAsync(id, cancellationToken);
        var now = time.GetUtcNow();
        IReadOnlyList<CallerKeyView>? keys = null;
        if (caller.Value.Kind == CallerKind.Key)
        {
            keys = [.. (await store.GetKeysAsync(id, cancellationToken)).Select(key => CallerKeyView.From(key.Value, now))];
        }

        return Show(CallerView.From(caller.Value, now, keys), full: true);
    }

    /// <summary>Replaces the caller's aliases with <paramref name="aliases"/>.</summary>
    public Task<CommandOutput> GrantAsync(string id, AliasAccess aliases, CancellationToken cancellationToken) =>
        ChangeAsync(id, caller => caller with { Aliases = aliases }, cancellationToken);

    public Task<CommandOutput> SetEnabledAsync(string id, bool enabled, CancellationToken cancellationToken) =>
        ChangeAsync(id, caller => caller with { Enabled = enabled }, cancellationToken);

    /// <summary>Deletes the caller's key rows, then the caller row.</summary>
    public async Task<CommandOutput> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var caller = await store.GetCallerAsync(id, cancellationToken);
        var keys = await store.GetKeysAsync(id, cancellationToken);
        if (caller is null && keys.Count == 0)
        {
            throw NotFound(id);
        }

        foreach (var key in keys)
        {
            await store.DeleteKeyAsync(key, cancellationToken);
        }

        if (caller is not null)
        {
            await store.DeleteCallerAsync(caller, cancellationToken);
        }

        return CommandOutput.Create(
            new DeletedCallerView(id, Deleted: true, keys.Count),
            CliJsonContext.Default.DeletedCallerView,
            $"Deleted caller {id} and its {keys.Count} key(s).");
    }

    /// <summary>
    /// A new key for a key caller. Its earlier keys stop at once (their rows deleted) or, with a grace, at now + grace
    /// (an earlier expiry already set is kept). The new key is written first, so the caller is never left keyless.
    /// </summary>
    public async Task<CommandOutput> RotateAsync(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        var caller = await RequireAsync(id, cancellationToken);
        if (caller.Value.Kind != CallerKind.Key)
        {
            throw new CommandFailedException(
                $"Caller '{id}' is a Microsoft Entra {caller.Value.Kind.ToString().ToLowerInvariant()} grant and holds no keys.",
                CliExitCodes.InvalidArguments);
        }

        var earlier = await store.GetKeysAsync(id, cancellationToken);
        var now = time.GetUtcNow();
        var key = CallerKeys.Create();
        await store.AddKeyAsync(NewKeyRecord(key, id, now), cancellationToken);

        DateTimeOffset? until = grace > TimeSpan.Zero ? now + grace : null;
        foreach (var old in earlier)
        {
            if (until is not { } stop)
            {
                await store.DeleteKeyAsync(old, cancellationToken);
            }
            else if (old.Value.ExpiresAt is not { } expires || expires > stop)
            {
                await store.ReplaceKeyAsync(old, old.Value with { ExpiresAt = stop }, cancellationToken);
            }
        }

        var text =
            $"Rotated the key of caller {id} '{caller.Value.Name}': " +
            (until is { } end ? $"its {earlier.Count} earlier key(s) keep working until {end:u}." : $"its {earlier.Count} earlier key(s) stopped working now.") +
            Environment.NewLine + "The new key, shown only this once (only its hash is stored); keep it now:" + Environment.NewLine + key;
        return CommandOutput.Create(
            new IssuedKeyView(id, caller.Value.Name, key, earlier.Count, until),
            CliJsonContext.Default.IssuedKeyView,
            text);
    }

    /// <summary>Registers one Microsoft Entra principal (user, app, managed identity) by object id.</summary>
    public Task<CommandOutput> AddPrincipalAsync(Guid objectId, string name, AliasAccess aliases, CancellationToken cancellationToken)
    {
        var id = CallerTable.PrincipalId(objectId);
        return AddGrantAsync(
            new CallerRecord(id, CallerKind.Principal, name, Enabled: true, ExpiresAt: null, aliases, objectId.ToString("D"), time.GetUtcNow()),
            $"Principal {objectId:D} is already registered as caller '{id}'; change its aliases with `callers grant {id} --aliases …`.",
            cancellationToken);
    }

    /// <summary>Grants every Microsoft Entra principal holding the app role <paramref name="role"/>.</summary>
    public Task<CommandOutput> AddRoleAsync(string role, string name, AliasAccess aliases, CancellationToken cancellationToken)
    {
        var id = CallerTable.RoleId(role);
        return AddGrantAsync(
            new CallerRecord(id, CallerKind.Role, name, Enabled: true, ExpiresAt: null, aliases, role, time.GetUtcNow()),
            $"App role '{role}' is already registered as caller '{id}'; change its aliases with `callers grant {id} --aliases …`.",
            cancellationToken);
    }

    /// <summary>
    /// Without its key a new caller row is of no use: remove it, so a failed create leaves nothing behind. Not cancelled
    /// with the command (Ctrl+C during a create still cleans up), and bounded by the client's timeouts.
    /// </summary>
    private async Task RemoveKeylessCallerAsync(Stored<CallerRecord> caller)
    {
        try
        {
            await store.DeleteCallerAsync(caller, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException or OperationCanceledException or CommandFailedException)
        {
            await notes.WriteLineAsync(
                $"The key of new caller {caller.Value.Id} could not be stored, and its caller row could not be removed either; " +
                $"it admits nobody. Remove it with `callers delete {caller.Value.Id}`.");
        }
    }

    private async Task<CommandOutput> AddGrantAsync(CallerRecord caller, string conflictMessage, CancellationToken cancellationToken)
    {
        await store.CreateTableIfNotExistsAsync(cancellationToken);
        await store.AddCallerAsync(caller, conflictMessage, cancellationToken);
        return Show(CallerView.From(caller, time.GetUtcNow()), full: false, verb: "Registered");
    }

    private async Task<CommandOutput> ChangeAsync(string id, Func<CallerRecord, CallerRecord> change, CancellationToken cancellationToken)
    {
        var caller = await RequireAsync(id, cancellationToken);
        var changed = change(caller.Value);
        await store.ReplaceCallerAsync(caller, changed, cancellationToken);
        return Show(CallerView.From(changed, time.GetUtcNow()), full: false, verb: "Updated");
    }

    private async Task<Stored<CallerRecord>> RequireAsync(string id, CancellationToken cancellationToken) =>
        await store.GetCallerAsync(id, cancellationToken) ?? throw NotFound(id);

    private CommandFailedException NotFound(string id) =>
        new($"No caller has the id '{id}' in table {store.TableName}. `callers list` shows them.", CliExitCodes.NotFound);

    private static CommandOutput Show(CallerView view, bool full, string? verb = null) =>
        CommandOutput.Create(view, CliJsonContext.Default.CallerView, full ? view.DescribeInFull() : $"{verb}: {view.Describe()}");

    private static CallerKeyRecord NewKeyRecord(string key, string callerId, DateTimeOffset now) =>
        new(CallerKeys.Hash(key), callerId, CallerKeys.DisplayPrefix(key), now, ExpiresAt: null);

    private static string NewKeyCallerId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string Describe(AliasAccess aliases) => aliases.IsAll ? "*" : aliases.Aliases.Count == 0 ? "(none)" : aliases.ToString();
}
