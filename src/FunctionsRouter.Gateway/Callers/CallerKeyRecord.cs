using Azure.Data.Tables;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>One row of the key partition (see <see cref="CallerTable"/>): a key's hash, whose it is, until when it works.</summary>
/// <param name="Hash">The key's SHA-256 (the RowKey, in hex).</param>
/// <param name="CallerId">The caller the key admits.</param>
/// <param name="Prefix">The key's first characters (<c>frk_</c> and six), to tell keys apart; never enough to use one.</param>
/// <param name="CreatedAt">When the key was made.</param>
/// <param name="ExpiresAt">From then on the key is refused (a rotated key's grace); none means until rotated or deleted.</param>
public sealed record CallerKeyRecord(KeyHash Hash, string CallerId, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt)
{
    public bool IsActive(DateTimeOffset now) => ExpiresAt is not { } expires || expires > now;

    public TableEntity ToEntity()
    {
        var entity = new TableEntity(CallerTable.KeyPartition, Hash.ToHex())
        {
            [CallerTable.CallerIdColumn] = CallerId,
            [CallerTable.PrefixColumn] = Prefix,
            [CallerTable.CreatedAtColumn] = CreatedAt,
        };
        if (ExpiresAt is { } expires)
        {
            entity[CallerTable.ExpiresAtColumn] = expires;
        }

        return entity;
    }

    public static bool TryFrom(TableEntity entity, KeyHash hash, out CallerKeyRecord? record)
    {
        record = null;
        var callerId = CallerRecord.Text(entity, CallerTable.CallerIdColumn);
        if (callerId is null || !CallerTable.IsValidId(callerId) || !CallerRecord.TryDate(entity, CallerTable.ExpiresAtColumn, out var expires))
        {
            return false;
        }

        CallerRecord.TryDate(entity, CallerTable.CreatedAtColumn, out var created);
        record = new CallerKeyRecord(hash, callerId, CallerRecord.Text(entity, CallerTable.PrefixColumn) ?? string.Empty, created ?? DateTimeOffset.MinValue, expires);
        return true;
    }
}
