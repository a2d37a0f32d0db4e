using System.Globalization;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Management;

namespace FunctionsRouter.Cli.Callers;

/// <summary>
/// How the <c>callers</c> commands print what the gateway's <see cref="CallerOperations"/> returned: readable lines, or
/// the same JSON the <c>/api/manage/callers</c> routes answer with (<see cref="ManagementJsonContext"/>).
/// </summary>
internal static class CallerOutputs
{
    public static CommandOutput Created(IssuedKeyView issued, AliasAccess aliases, DateTimeOffset? expires, bool admin) =>
        CommandOutput.Create(
            issued,
            ManagementJsonContext.Default.IssuedKeyView,
            $"Created {(admin ? "admin " : string.Empty)}caller {issued.Id} '{issued.Name}' (aliases: {Describe(aliases)}{(expires is { } e ? string.Create(CultureInfo.InvariantCulture, $"; expires {e:u}") : string.Empty)})." +
            Environment.NewLine + "Its key, shown only this once (only its hash is stored); keep it now:" + Environment.NewLine + issued.Key);

    public static async Task<CommandOutput> ListAsync(CallerListView list, string tableName, TextWriter notes)
    {
        foreach (var problem in list.Problems ?? [])
        {
            await notes.WriteLineAsync(problem);
        }

        var text = list.Callers.Count == 0
            ? $"No callers in table {tableName}."
            : string.Join(Environment.NewLine, list.Callers.Select(Describe));
        return CommandOutput.Create(list with { Problems = null }, ManagementJsonContext.Default.CallerListView, text);
    }

    public static CommandOutput Shown(CallerView view) =>
        CommandOutput.Create(view, ManagementJsonContext.Default.CallerView, DescribeInFull(view));

    public static CommandOutput Changed(CallerView view, string verb) =>
        CommandOutput.Create(view, ManagementJsonContext.Default.CallerView, $"{verb}: {Describe(view)}");

    public static CommandOutput Deleted(DeletedCallerView deleted) =>
        CommandOutput.Create(deleted, ManagementJsonContext.Default.DeletedCallerView, $"Deleted caller {deleted.Id} and its {deleted.KeysDeleted} key(s).");

    public static CommandOutput Rotated(IssuedKeyView issued) =>
        CommandOutput.Create(
            issued,
            ManagementJsonContext.Default.IssuedKeyView,
            $"Rotated the key of caller {issued.Id} '{issued.Name}': " +
            (issued.ReplacedKeysExpireAt is { } end
                ? string.Create(CultureInfo.InvariantCulture, $"its {issued.ReplacedKeys} earlier key(s) keep working until {end:u}.")
                : $"its {issued.ReplacedKeys} earlier key(s) stopped working now.") +
            Environment.NewLine + "The new key, shown only this once (only its hash is stored); keep it now:" + Environment.NewLine + issued.Key);

    public static CommandOutput History(string id, AuditPageView page) => CommandOutput.Create(
        page,
        ManagementJsonContext.Default.AuditPageView,
        (page.Entries.Count == 0 ? $"No recorded change of caller {id}." : string.Join(Environment.NewLine, page.Entries.Select(entry =>
            string.Create(CultureInfo.InvariantCulture, $"{entry.At:u}  {entry.Action}  by {entry.Who}  request {entry.RequestId}")))) +
        (page.ContinuationToken is { } next ? Environment.NewLine + $"More: --continuation-token '{next}'" : string.Empty));

    /// <summary>One line: id, kind, state, name, aliases, expiry.</summary>
    public static string Describe(CallerView caller) =>
        $"{caller.Id}  {caller.Kind}  {State(caller)}{(caller.Admin ? "  admin" : string.Empty)}  '{caller.Name}'  aliases: {DescribeAliases(caller.Aliases)}" +
        (caller.ExpiresAt is { } expires ? string.Create(CultureInfo.InvariantCulture, $"  expires {expires:u}") : string.Empty) +
        (caller.Subject is not null && caller.Kind != "key" ? $"  for {caller.Subject}" : string.Empty) +
        (DescribeLimits(caller.Limits) is { Length: > 0 } limits ? "  limits: " + limits : string.Empty);

    /// <summary>Every field, a line each, with the keys.</summary>
    public static string DescribeInFull(CallerView caller)
    {
        var lines = new List<string>
        {
            $"Caller {caller.Id} ({caller.Kind}): '{caller.Name}'",
            $"  state:   {State(caller)}",
            $"  admin:   {(caller.Admin ? "yes" : "no")}",
            $"  aliases: {DescribeAliases(caller.Aliases)}",
            string.Create(CultureInfo.InvariantCulture, $"  created: {caller.CreatedAt:u}"),
            $"  expires: {(caller.ExpiresAt is { } expires ? expires.ToString("u", CultureInfo.InvariantCulture) : "never")}",
        };
        if (caller.Subject is not null)
        {
            lines.Add($"  subject: {caller.Subject}");
        }

        lines.Add($"  limits:  {(DescribeLimits(caller.Limits) is { Length: > 0 } limits ? limits : "none")}");

        if (caller.Keys is { } keys)
        {
            lines.Add(keys.Count == 0 ? "  keys:    none" : $"  keys:    {keys.Count}");
            lines.AddRange(keys.Select(key => "    " + Describe(key)));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Describe(CallerKeyView key) =>
        string.Create(CultureInfo.InvariantCulture, $"{key.Prefix}  created {key.CreatedAt:u}  ") +
        (key.ExpiresAt is { } expires
            ? string.Create(CultureInfo.InvariantCulture, $"{(key.Active ? "expires" : "expired")} {expires:u}")
            : "no expiry");

    /// <summary><c>rpm 60, tpm 40000; alias gpt-4o: rpm 10</c>; empty for none.</summary>
    private static string DescribeLimits(LimitsView limits)
    {
        var parts = new List<string>();
        var own = DescribeLimitSet(limits);
        if (own.Length > 0)
        {
            parts.Add(own);
        }

        foreach (var (alias, set) in limits.Aliases ?? new Dictionary<string, LimitsView>())
        {
            parts.Add($"alias {alias}: {DescribeLimitSet(set)}");
        }

        return string.Join("; ", parts);
    }

    private static string DescribeLimitSet(LimitsView set) => string.Join(", ", new (string Name, long? Value)[]
    {
        ("rpm", set.Rpm), ("tpm", set.Tpm), ("tokens/day", set.TokensPerDay), ("tokens/month", set.TokensPerMonth),
    }.Where(p => p.Value is not null).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Value}")));

    private static string State(CallerView caller) => caller.Active ? "active" : caller.Enabled ? "expired" : "disabled";

    private static string DescribeAliases(IReadOnlyList<string> aliases) => aliases.Count == 0 ? "(none)" : string.Join(',', aliases);

    private static string Describe(AliasAccess aliases) => aliases.IsAll ? "*" : aliases.Aliases.Count == 0 ? "(none)" : aliases.ToString();
}
