using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Cli.Callers;

/// <summary>A caller as <c>callers list/show --json</c> print it. Never a key or a key's hash.</summary>
/// <param name="Id">The caller id (row key).</param>
/// <param name="Kind"><c>key</c>, <c>principal</c> or <c>role</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Enabled">The enabled flag.</param>
/// <param name="Active">Enabled and not expired: what the gateway admits now.</param>
/// <param name="ExpiresAt">When it stops being admitted; absent for never.</param>
/// <param name="Aliases">The aliases it may use; <c>["*"]</c> for every alias.</param>
/// <param name="Subject">The Entra object id or app role; absent for a key caller.</param>
/// <param name="CreatedAt">When the row was made.</param>
/// <param name="Keys">Its keys (<c>callers show</c> of a key caller only).</param>
internal sealed record CallerView(
    string Id,
    string Kind,
    string Name,
    bool Enabled,
    bool Active,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> Aliases,
    string? Subject,
    DateTimeOffset CreatedAt,
    IReadOnlyList<CallerKeyView>? Keys)
{
    public static CallerView From(CallerRecord caller, DateTimeOffset now, IReadOnlyList<CallerKeyView>? keys = null) => new(
        caller.Id,
        caller.Kind.ToString().ToLowerInvariant(),
        caller.Name,
        caller.Enabled,
        caller.IsActive(now),
        caller.ExpiresAt,
        caller.Aliases.IsAll ? ["*"] : [.. caller.Aliases.Aliases.Order(StringComparer.OrdinalIgnoreCase)],
        caller.Subject,
        caller.CreatedAt,
        keys);

    /// <summary>One line: id, kind, state, name, aliases, expiry.</summary>
    public string Describe() =>
        $"{Id}  {Kind}  {State}  '{Name}'  aliases: {DescribeAliases(Aliases)}" +
        (ExpiresAt is { } expires ? $"  expires {expires:u}" : string.Empty) +
        (Subject is not null && Kind != "key" ? $"  for {Subject}" : string.Empty);

    /// <summary>Every field, a line each, with the keys.</summary>
    public string DescribeInFull()
    {
        var lines = new List<string>
        {
            $"Caller {Id} ({Kind}): '{Name}'",
            $"  state:   {State}",
            $"  aliases: {DescribeAliases(Aliases)}",
            $"  created: {CreatedAt:u}",
            $"  expires: {(ExpiresAt is { } expires ? expires.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "never")}",
        };
        if (Subject is not null)
        {
            lines.Add($"  subject: {Subject}");
        }

        if (Keys is not null)
        {
            lines.Add(Keys.Count == 0 ? "  keys:    none" : $"  keys:    {Keys.Count}");
            lines.AddRange(Keys.Select(key => "    " + key.Describe()));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private string State => Active ? "active" : Enabled ? "expired" : "disabled";

    private static string DescribeAliases(IReadOnlyList<string> aliases) => aliases.Count == 0 ? "(none)" : string.Join(',', aliases);
}
