using System.Globalization;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Limits;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>One row of the caller partition (see <see cref="CallerTable"/>).</summary>
/// <param name="Id">The RowKey; never a key.</param>
/// <param name="Kind">Key holder, Entra principal or app role.</param>
/// <param name="Name">Display name.</param>
/// <param name="Enabled">A disabled caller is refused with the same answer as an unknown one.</param>
/// <param name="ExpiresAt">From then on the caller is refused; none means never.</param>
/// <param name="Aliases">The aliases it may use.</param>
/// <param name="Subject">The Entra object id or app role the row is registered for; none for a key holder.</param>
/// <param name="CreatedAt">When the row was made.</param>
public sealed record CallerRecord(
    string Id,
    CallerKind Kind,
    string Name,
    bool Enabled,
    DateTimeOffset? ExpiresAt,
    AliasAccess Aliases,
    string? Subject,
    DateTimeOffset CreatedAt)
{
    /// <summary>Whether the caller may use the management routes (<c>/api/manage/…</c>): column <c>Admin</c>, absent means no.</summary>
    public bool IsAdmin { get; init; }

    /// <summary>Its request and token limits (column <c>Limits</c>, JSON; see <see cref="CallerLimits"/>); absent means none.</summary>
    public CallerLimits Limits { get; init; } = CallerLimits.None;

    /// <summary>Whether the caller may be admitted at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => Enabled && (ExpiresAt is not { } expires || expires > now);

    public TableEntity ToEntity()
    {
        var entity = new TableEntity(CallerTable.CallerPartition, Id)
        {
            [CallerTable.KindColumn] = Kind.ToString().ToLowerInvariant(),
            [CallerTable.NameColumn] = Name,
            [CallerTable.EnabledColumn] = Enabled,
            [CallerTable.AliasesColumn] = Aliases.ToString(),
            [CallerTable.CreatedAtColumn] = CreatedAt,
            [CallerTable.AdminColumn] = IsAdmin,
        };
        if (!Limits.IsEmpty)
        {
            entity[CallerTable.LimitsColumn] = Limits.ToString();
        }

        if (ExpiresAt is { } expires)
        {
            entity[CallerTable.ExpiresAtColumn] = expires;
        }

        if (Subject is not null)
        {
            entity[CallerTable.SubjectColumn] = Subject;
        }

        return entity;
    }

    /// <summary>
    /// Reads a caller row, leniently about types (a row edited in Storage Explorer may hold booleans and dates as
    /// strings) and strictly about meaning: an unknown kind or a bad alias list makes the row unusable, never wider.
    /// </summary>
    public static bool TryFrom(TableEntity entity, out CallerRecord? record, out string? problem)
    {
        record = null;
        if (!Enum.TryParse<CallerKind>(Text(entity, CallerTable.KindColumn) ?? "key", ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            problem = "the Kind column is not one of key, principal, role";
            return false;
        }

        if (!TryBool(entity, CallerTable.EnabledColumn, out var enabled))
        {
            problem = "the Enabled column is not a boolean";
            return false;
        }

        if (!TryBool(entity, CallerTable.AdminColumn, out var admin, fallback: false))
        {
            problem = "the Admin column is not a boolean";
            return false;
        }

        if (!TryDate(entity, CallerTable.ExpiresAtColumn, out var expires))
        {
            problem = "the ExpiresAt column is not a date";
            return false;
        }

        if (!AliasAccess.TryParse(Text(entity, CallerTable.AliasesColumn), out var aliases, out problem))
        {
            return false;
        }

        if (!CallerLimits.TryParse(Text(entity, CallerTable.LimitsColumn), out var limits, out problem))
        {
            return false; // Unusable rather than unlimited.
        }

        TryDate(entity, CallerTable.CreatedAtColumn, out var created);
        record = new CallerRecord(
            entity.RowKey,
            kind,
            Text(entity, CallerTable.NameColumn) ?? entity.RowKey,
            enabled,
            expires,
            aliases,
            Text(entity, CallerTable.SubjectColumn),
            created ?? entity.Timestamp ?? DateTimeOffset.MinValue)
        {
            IsAdmin = admin,
            Limits = limits,
        };
        return true;
    }

    internal static string? Text(TableEntity entity, string column) =>
        entity.TryGetValue(column, out var value) && value is not null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    internal static bool TryDate(TableEntity entity, string column, out DateTimeOffset? value)
    {
        value = null;
        if (!entity.TryGetValue(column, out var raw) || raw is null || raw is string { Length: 0 })
        {
            return true;
        }

        switch (raw)
        {
            case DateTimeOffset offset:
                value = offset;
                return true;
            case DateTime time:
                value = new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc));
                return true;
            case string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                value = parsed;
                return true;
            default:
                return false;
        }
    }

    private static bool TryBool(TableEntity entity, string column, out bool value, bool fallback = true)
    {
        value = fallback;
        if (!entity.TryGetValue(column, out var raw) || raw is null)
        {
            return true;
        }

        switch (raw)
        {
            case bool b:
                value = b;
                return true;
            case string text when bool.TryParse(text.Trim(), out var parsed):
                value = parsed;
                return true;
            default:
                return false;
        }
    }
}
