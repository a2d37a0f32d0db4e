namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// The caller table's layout (table <c>Router__CallerTable</c>, default <c>Callers</c>), shared by the gateway, which
/// only reads it, and the command line, which writes it. Every gateway read is a point read:
/// <list type="bullet">
/// <item>PartitionKey <c>caller</c>, RowKey = caller id: one row per caller (<see cref="CallerRecord"/>). A key caller's id
/// is 16 random hex digits; an Entra principal's is <c>entra-&lt;object id&gt;</c>; an app role's grant is
/// <c>role-&lt;role&gt;</c>. So a token's <c>oid</c> or <c>roles</c> claim leads straight to its row.</item>
/// <item>PartitionKey <c>key</c>, RowKey = the key's SHA-256 in lower-case hex (<see cref="CallerKeyRecord"/>): which caller
/// a key belongs to and until when it works. The key itself is never stored.</item>
/// </list>
/// Listing callers (the command line) is one partition query; a caller's keys, a filter on <c>CallerId</c> in the key partition.
/// </summary>
public static class CallerTable
{
    public const string DefaultName = "Callers";
    public const string CallerPartition = "caller";
    public const string KeyPartition = "key";

    public const string KindColumn = "Kind";
    public const string NameColumn = "Name";
    public const string EnabledColumn = "Enabled";
    public const string ExpiresAtColumn = "ExpiresAt";
    public const string AliasesColumn = "Aliases";
    public const string CreatedAtColumn = "CreatedAt";
    public const string SubjectColumn = "Subject";
    public const string CallerIdColumn = "CallerId";
    public const string PrefixColumn = "Prefix";

    /// <summary>Whether the caller may use the management routes (<c>/api/manage/…</c>); absent means no.</summary>
    public const string AdminColumn = "Admin";

    /// <summary>The caller's request and token limits, JSON (see <see cref="Limits.CallerLimits"/>); absent means none.</summary>
    public const string LimitsColumn = "Limits";

    public const int MaxIdLength = 160;
    public const int MaxNameLength = 200;
    public const int MaxRoleLength = 120;

    private const string PrincipalIdPrefix = "entra-";
    private const string RoleIdPrefix = "role-";

    /// <summary>The caller id (RowKey) of the row registered for an Entra object id (a GUID, lower-cased).</summary>
    public static string PrincipalId(Guid objectId) => PrincipalIdPrefix + objectId.ToString("D");

    /// <summary>The caller id (RowKey) of the row granting access to every principal holding an app role.</summary>
    public static string RoleId(string role) => RoleIdPrefix + role;

    /// <summary>1 to 160 ASCII letters, digits, <c>-</c>, <c>_</c> or <c>.</c>: checked before any table access.</summary>
    public static bool IsValidId(ReadOnlySpan<char> id) => IsToken(id, MaxIdLength);

    /// <summary>An app role's value as Entra allows it in a manifest (no spaces), at most 120 characters.</summary>
    public static bool IsValidRole(ReadOnlySpan<char> role) => IsToken(role, MaxRoleLength);

    /// <summary>A display name: 1 to 200 characters, no control characters.</summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsWhiteSpace() || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsToken(ReadOnlySpan<char> value, int maxLength)
    {
        if (value.IsEmpty || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
