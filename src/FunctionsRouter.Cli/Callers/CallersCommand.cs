using System.CommandLine;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Management;

namespace FunctionsRouter.Cli.Callers;

/// <summary>
/// The <c>callers</c> commands: gateway keys and Microsoft Entra grants in the caller table (default <c>Callers</c>,
/// <see cref="CallerTable"/>). Each command checks all its values with the gateway's rules before the first table call,
/// then runs the gateway's own <see cref="CallerOperations"/> (the <c>/api/manage/callers</c> routes run the same).
/// </summary>
internal static class CallersCommand
{
    /// <summary>The caller table's name in the environment, like <c>AZURE_ALIAS_TABLE</c> for the alias table.</summary>
    public const string TableNameKey = "AZURE_CALLER_TABLE";

    private delegate Func<CallerOperations, CancellationToken, Task<CommandOutput>>? PrepareCallers(ParseResult parse, List<string> problems);

    public static Command Create(CliContext context, GlobalOptions options)
    {
        var callers = new Command("callers", "Callers of the gateway (table Callers): key holders, Microsoft Entra principals and app roles.");
        void Add(Command command, PrepareCallers prepare)
        {
            command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
                context,
                options,
                parse,
                (TableNameKey, CallerTable.DefaultName),
                [],
                (invocation, problems) => prepare(parse, problems) is { } run
                    ? (tables, ct) => run(
                        new CallerOperations(
                            new CallerRowStore(tables.Table),
                            tables.Audit(invocation.Settings),
                            CliActor.Create(),
                            context.Time,
                            new NotesLogger(context.Error)),
                        ct)
                    : null,
                cancellationToken));
            callers.Subcommands.Add(command);
        }

        {
            var name = NameOption(required: true, "Display name, e.g. the service or team.");
            var aliases = AliasesOption(required: false);
            var expires = new Option<string?>("--expires") { Description = "When the caller stops being admitted: an ISO 8601 date or time (UTC unless it says otherwise). A past one is accepted.", HelpName = "date" };
            var admin = AdminOption();
            Add(new Command("create", "Create a key caller and its first key; the key is printed once, here, and stored only as its hash.") { name, aliases, expires, admin }, (parse, problems) =>
            {
                var n = CallerArguments.ReadName(parse.GetValue(name), problems);
                var a = CallerArguments.ReadAliases(parse.GetValue(aliases), problems);
                var ok = CallerArguments.TryReadExpiry(parse.GetValue(expires), problems, out var e);
                var isAdmin = parse.GetValue(admin);
                return n is null || a is null || !ok ? null : async (ops, ct) => CallerOutputs.Created(await ops.CreateAsync(n, a, e, isAdmin, ct), a, e, isAdmin);
            });
        }

        Add(new Command("list", "List every caller (never a key)."), (_, _) => async (ops, ct) => await CallerOutputs.ListAsync(await ops.ListAsync(ct), ops.TableName, context.Error));

        {
            var id = IdArgument();
            Add(new Command("show", "Show one caller, with its keys' prefixes and dates.") { id }, (parse, problems) =>
                CallerArguments.ReadId(parse.GetValue(id), problems) is { } i ? async (ops, ct) => CallerOutputs.Shown(await ops.GetAsync(i, ct)) : null);
        }

        {
            var id = IdArgument();
            var aliases = AliasesOption(required: true);
            Add(new Command("grant", "Replace the aliases a caller may use.") { id, aliases }, (parse, problems) =>
            {
                var i = CallerArguments.ReadId(parse.GetValue(id), problems);
                var a = CallerArguments.ReadAliases(parse.GetValue(aliases), problems);
                return i is null || a is null ? null : async (ops, ct) => CallerOutputs.Changed(await ops.GrantAsync(i, a, ct), "Updated");
            });
        }

        foreach (var (verb, enabled) in new[] { ("disable", false), ("enable", true) })
        {
            var id = IdArgument();
            Add(new Command(verb, enabled ? "Admit the caller again." : "Refuse the caller (its keys or tokens) until enabled again.") { id }, (parse, problems) =>
                CallerArguments.ReadId(parse.GetValue(id), problems) is { } i ? async (ops, ct) => CallerOutputs.Changed(await ops.SetEnabledAsync(i, enabled, ct), "Updated") : null);
        }

        {
            var id = IdArgument();
            var on = new Option<bool>("--on") { Description = "Make the caller an admin: it may use the management routes (/api/manage/…)." };
            var off = new Option<bool>("--off") { Description = "Take the admin right away again." };
            Add(new Command("admin", "Make a caller an admin of the gateway (aliases and callers over /api/manage/…), or no longer.") { id, on, off }, (parse, problems) =>
            {
                var i = CallerArguments.ReadId(parse.GetValue(id), problems);
                var (isOn, isOff) = (parse.GetValue(on), parse.GetValue(off));
                if (isOn == isOff)
                {
                    problems.Add("Give exactly one of --on and --off.");
                    return null;
                }

                return i is null ? null : async (ops, ct) => CallerOutputs.Changed(await ops.SetAdminAsync(i, isOn, ct), "Updated");
            });
        }

        {
            var id = IdArgument();
            var rpm = LimitOption("--rpm", "Requests per minute.");
            var tpm = LimitOption("--tpm", "Tokens per minute (prompt and completion).");
            var perDay = LimitOption("--tokens-per-day", "Tokens per UTC day.");
            var perMonth = LimitOption("--tokens-per-month", "Tokens per calendar month (UTC).");
            var alias = new Option<string?>("--alias") { Description = "Set the caller's limits on this alias (checked beside its own) instead of its own.", HelpName = "alias" };
            Add(new Command("limits", "Set a caller's request and token limits (each optional; 0 removes that limit). A role row's limits apply to each principal admitted through it.") { id, rpm, tpm, perDay, perMonth, alias }, (parse, problems) =>
            {
                var i = CallerArguments.ReadId(parse.GetValue(id), problems);
                var values = new[] { (rpm, parse.GetValue(rpm)), (tpm, parse.GetValue(tpm)), (perDay, parse.GetValue(perDay)), (perMonth, parse.GetValue(perMonth)) };
                foreach (var (option, value) in values.Where(v => v.Item2 < 0))
                {
                    problems.Add($"{option.Name} must be a whole number of zero or more (0 removes the limit); got {value}.");
                }

                if (values.All(v => v.Item2 is null))
                {
                    problems.Add("Give at least one of --rpm, --tpm, --tokens-per-day, --tokens-per-month.");
                }

                var a = parse.GetValue(alias)?.Trim();
                if (a is not null && !FunctionsRouter.Gateway.Aliases.AliasNames.IsValid(a))
                {
                    problems.Add($"--alias '{a}' is not a valid alias name.");
                }

                return i is null || problems.Count > 0
                    ? null
                    : async (ops, ct) => CallerOutputs.Changed(await ops.SetLimitsAsync(i, a, values[0].Item2, values[1].Item2, values[2].Item2, values[3].Item2, ct), "Updated");
            });
        }

        {
            var id = IdArgument();
            Add(new Command("delete", "Delete a caller and all its keys.") { id }, (parse, problems) =>
                CallerArguments.ReadId(parse.GetValue(id), problems) is { } i ? async (ops, ct) => CallerOutputs.Deleted(await ops.DeleteAsync(i, ct)) : null);
        }

        {
            var id = IdArgument();
            var grace = new Option<string?>("--grace") { Description = "How long the earlier keys keep working (90s, 30m, 1h, 2d or 1.12:00:00). Default: they stop at once.", HelpName = "duration" };
            Add(new Command("rotate", "Give a key caller a new key (printed once); its earlier keys stop at once or after the grace.") { id, grace }, (parse, problems) =>
            {
                var i = CallerArguments.ReadId(parse.GetValue(id), problems);
                var ok = CallerArguments.TryReadDuration(parse.GetValue(grace), "--grace", problems, out var g);
                return i is null || !ok ? null : async (ops, ct) => CallerOutputs.Rotated(await ops.RotateAsync(i, g, ct));
            });
        }

        {
            var id = IdArgument();
            var pageSize = new Option<int>("--page-size") { Description = $"Entries per page, 1 to {AuditStore.MaxPageSize}. Default {AuditStore.DefaultPageSize}.", DefaultValueFactory = _ => AuditStore.DefaultPageSize };
            var continuation = new Option<string?>("--continuation-token") { Description = "The token the previous page ended with.", HelpName = "token" };
            Add(new Command("history", "The caller's recorded changes, newest first: who, when, the request id, the caller before and after (never a key).") { id, pageSize, continuation }, (parse, problems) =>
            {
                var i = CallerArguments.ReadId(parse.GetValue(id), problems);
                var size = parse.GetValue(pageSize);
                if (size is < 1 or > AuditStore.MaxPageSize)
                {
                    problems.Add($"--page-size must be 1 to {AuditStore.MaxPageSize}; got {size}.");
                    return null;
                }

                return i is null ? null : async (ops, ct) => CallerOutputs.History(i, await ops.HistoryAsync(i, size, parse.GetValue(continuation), ct));
            });
        }

        {
            var objectId = new Option<string?>("--object-id") { Description = "The principal's object id (oid claim): a user, app or managed identity.", HelpName = "guid", Required = true };
            var name = NameOption(required: true, "Display name, e.g. the user or app.");
            var aliases = AliasesOption(required: true);
            var admin = AdminOption();
            Add(new Command("add-principal", "Register a Microsoft Entra principal (its access tokens are then admitted).") { objectId, name, aliases, admin }, (parse, problems) =>
            {
                var text = parse.GetValue(objectId);
                Guid? oid = Guid.TryParse(text, out var parsed) ? parsed : null;
                if (oid is null)
                {
                    problems.Add($"--object-id must be a GUID (the principal's object id); got '{text}'.");
                }

                var n = CallerArguments.ReadName(parse.GetValue(name), problems);
                var a = CallerArguments.ReadAliases(parse.GetValue(aliases), problems);
                var isAdmin = parse.GetValue(admin);
                return oid is not { } o || n is null || a is null ? null : async (ops, ct) => CallerOutputs.Changed(await ops.AddPrincipalAsync(o, n, a, isAdmin, ct), "Registered");
            });
        }

        {
            var role = new Option<string?>("--role") { Description = "The app role's value, as in the token's roles claim.", HelpName = "app role", Required = true };
            var aliases = AliasesOption(required: true);
            var name = NameOption(required: false, "Display name. Default: the role.");
            Add(new Command("add-role", "Grant every Microsoft Entra principal holding an app role of the gateway's app registration.") { role, aliases, name }, (parse, problems) =>
            {
                var r = parse.GetValue(role)?.Trim();
                if (r is null || !CallerTable.IsValidRole(r))
                {
                    problems.Add($"--role must be 1 to {CallerTable.MaxRoleLength} letters, digits, '-', '_' or '.'; got '{r}'.");
                    r = null;
                }

                var n = parse.GetValue(name) is { } given ? CallerArguments.ReadName(given, problems) : r;
                var a = CallerArguments.ReadAliases(parse.GetValue(aliases), problems);
                return r is null || n is null || a is null ? null : async (ops, ct) => CallerOutputs.Changed(await ops.AddRoleAsync(r, n, a, ct), "Registered");
            });
        }

        return callers;
    }

    private static Option<bool> AdminOption() =>
        new("--admin") { Description = "An admin of the gateway: it may manage aliases and callers over /api/manage/…." };

    private static Option<long?> LimitOption(string name, string description) =>
        new(name) { Description = description + " 0 removes it.", HelpName = "N" };

    private static Argument<string> IdArgument() => new("id") { Description = "The caller id (see `callers list`)." };

    private static Option<string?> NameOption(bool required, string description) =>
        new("--name") { Description = description, HelpName = "name", Required = required };

    private static Option<string?> AliasesOption(bool required) => new("--aliases")
    {
        Description = "The aliases the caller may use: comma-separated, or * for every alias." + (required ? string.Empty : " Default: none (grant later)."),
        HelpName = "a,b|*",
        Required = required,
    };
}
