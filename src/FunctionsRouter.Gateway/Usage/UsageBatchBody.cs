using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// Writes the body of one entity-group transaction (<c>$batch</c>, multipart/mixed with one changeset) straight into a
/// pooled buffer: for each row a <c>PUT</c> without <c>If-Match</c> (insert-or-replace, so a retried batch rewrites the
/// same rows) and its JSON from <see cref="UsageRowJson"/>. Nothing per row is allocated but the alias's key, once per alias.
/// </summary>
internal static class UsageBatchBody
{
    /// <summary>The Content-Type of a batch whose boundary is <c>batch_{id}</c>.</summary>
    public static string ContentType(Guid batchId) => "multipart/mixed; boundary=batch_" + batchId.ToString("D");

    /// <param name="buffer">Receives the body (appended at its <see cref="PooledBuffer.Length"/>).</param>
    /// <param name="json">A writer to reuse; it is reset onto <paramref name="buffer"/>.</param>
    /// <param name="entityPrefix">The table's URL up to the keys, as UTF-8: <c>{endpoint}/{table}(PartitionKey='</c>.</param>
    /// <param name="partitionKey">Every row's PartitionKey (an entity-group transaction holds one partition).</param>
    /// <param name="rows">At most 100 records of that partition.</param>
    /// <param name="aliasKey">The RowKey prefix of an alias (<see cref="UsageRecordKeys.AliasKey"/>, cached by the caller).</param>
    public static void Write(PooledBuffer buffer, Utf8JsonWriter json, ReadOnlySpan<byte> entityPrefix, string partitionKey, ReadOnlySpan<UsageRecord> rows, Func<string, string> aliasKey, Guid batchId, Guid changesetId)
    {
        Span<char> rowKey = stackalloc char[UsageRecordKeys.MaxRowKeyLength];
        Ascii(buffer, "--batch_"u8);
        Guid(buffer, batchId);
        Ascii(buffer, "\r\nContent-Type: multipart/mixed; boundary=changeset_"u8);
        Guid(buffer, changesetId);
        Ascii(buffer, "\r\n\r\n"u8);
        foreach (var record in rows)
        {
            var rowKeyLength = UsageRecordKeys.FormatRowKey(record, aliasKey(record.Alias), rowKey);
            Ascii(buffer, "--changeset_"u8);
            Guid(buffer, changesetId);
            Ascii(buffer, "\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nPUT "u8);
            Ascii(buffer, entityPrefix);
            Key(buffer, partitionKey);
            Ascii(buffer, "',RowKey='"u8);
            Key(buffer, rowKey[..rowKeyLength]);
            Ascii(buffer, "') HTTP/1.1\r\nAccept: application/json;odata=minimalmetadata\r\nContent-Type: application/json\r\nPrefer: return-no-content\r\nDataServiceVersion: 3.0;\r\n\r\n"u8);
            json.Reset(buffer);
            UsageRowJson.Write(json, record, partitionKey, rowKey[..rowKeyLength]);
            json.Flush();
            Ascii(buffer, "\r\n"u8);
        }

        Ascii(buffer, "--changeset_"u8);
        Guid(buffer, changesetId);
        Ascii(buffer, "--\r\n--batch_"u8);
        Guid(buffer, batchId);
        Ascii(buffer, "--\r\n"u8);
    }

    /// <summary>The entity URL prefix for a table: <c>{endpoint}/{table}(PartitionKey='</c>.</summary>
    public static byte[] EntityPrefix(Uri endpoint, string table) =>
        Encoding.UTF8.GetBytes(endpoint.AbsoluteUri.TrimEnd('/') + "/" + table + "(PartitionKey='");

    private static void Ascii(PooledBuffer buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }

    private static void Guid(PooledBuffer buffer, Guid id)
    {
        id.TryFormat(buffer.GetSpan(36), out var written, "D");
        buffer.Advance(written);
    }

    /// <summary>A key inside the URL: as an OData string literal (a quote doubled), percent-encoded but for unreserved characters.</summary>
    private static void Key(PooledBuffer buffer, ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(UsageRecordKeys.MaxRowKeyLength)];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        var output = buffer.GetSpan(length * 6);
        var at = 0;
        foreach (var b in utf8[..length])
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                output[at++] = b;
            }
            else
            {
                var times = b == (byte)'\'' ? 2 : 1;
                for (var i = 0; i < times; i++)
                {
                    output[at++] = (byte)'%';
                    output[at++] = Hex(b >> 4);
                    output[at++] = Hex(b & 0xF);
                }
            }
        }

        buffer.Advance(at);
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
