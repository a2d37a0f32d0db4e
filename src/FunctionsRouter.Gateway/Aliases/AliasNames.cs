namespace FunctionsRouter.Gateway.Aliases;

/// <summary>
/// What an alias name may be when an admin names one (a caller's grant, the command line): 1 to 128 ASCII letters,
/// digits, <c>-</c>, <c>_</c>, <c>.</c>, <c>:</c> or <c>@</c>. Table keys forbid <c>/ \ # ?</c> and control characters;
/// this is narrower, so a name that passes is always a valid PartitionKey. Matched case-insensitively, as the catalog does.
/// </summary>
public static class AliasNames
{
    public const int MaxLength = 128;

    /// <summary>How much of a caller's model name is repeated in an error message or kept in a usage record.</summary>
    public const int MaxShownLength = 256;

    /// <summary>
    /// A caller's model name as the gateway repeats it: at most <see cref="MaxShownLength"/> characters, then <c>…</c>.
    /// A megabyte of "model" must not come back in a 404, nor overflow a usage row (Table Storage: 64 KiB a property).
    /// </summary>
    public static string Shown(string name) =>
        name.Length > MaxShownLength ? string.Concat(name.AsSpan(0, MaxShownLength), "…") : name;

    public static bool IsValid(ReadOnlySpan<char> alias)
    {
        if (alias.IsEmpty || alias.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in alias)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':' or '@'))
            {
                return false;
            }
        }

        return true;
    }
}
