using System.Text.Json;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// The table row of a <see cref="UsageRecord"/> as the Table service's JSON (OData minimal metadata): one column per
/// field, numbers as numbers, an optional field only when it has a value. The types are those Azure.Data.Tables gives
/// the same values (<c>Edm.DateTime</c>, <c>Edm.Guid</c>, <c>Edm.Double</c> annotated; <c>Edm.Int32</c>, <c>Edm.Boolean</c>
/// and <c>Edm.String</c> plain), so the SDK and Storage Explorer read the rows as before. A new column is one more line in
/// <see cref="Write"/>.
/// </summary>
internal static class UsageRowJson
{
    private const string DateTimeType = "Edm.DateTime";
    private const string GuidType = "Edm.Guid";
    private const string DoubleType = "Edm.Double";

    public static void Write(Utf8JsonWriter json, UsageRecord r, string partitionKey, ReadOnlySpan<char> rowKey)
    {
        json.WriteStartObject();
        json.WriteString("PartitionKey"u8, partitionKey);
        json.WriteString("RowKey"u8, rowKey);
        json.WriteString("RequestTime@odata.type"u8, DateTimeType);
        json.WriteString("RequestTime"u8, r.Timestamp.UtcDateTime);
        json.WriteString("RecordId@odata.type"u8, GuidType);
        json.WriteString("RecordId"u8, r.RecordId);
        json.WriteString("RequestId"u8, r.RequestId);
        json.WriteString("Caller"u8, r.Caller);
        json.WriteString("Alias"u8, r.Alias);
        json.WriteString("Operation"u8, r.Operation);
        json.WriteNumber("HttpStatus"u8, r.HttpStatus);
        json.WriteBoolean("Streamed"u8, r.Streamed);
        json.WriteBoolean("UsageExact"u8, r.UsageExact);
        Double(json, "LatencyMs@odata.type"u8, "LatencyMs"u8, Math.Round(r.LatencyMs, 3));
        json.WriteNumber("Attempts"u8, r.Attempts);
        String(json, "Target"u8, r.Target);
        String(json, "Deployment"u8, r.Deployment);
        String(json, "Endpoint"u8, r.Endpoint);
        String(json, "ErrorCode"u8, r.ErrorCode);
        String(json, "UpstreamRequestId"u8, r.UpstreamRequestId);
        Int32(json, "PromptTokens"u8, r.Tokens.PromptTokens);
        Int32(json, "CompletionTokens"u8, r.Tokens.CompletionTokens);
        Int32(json, "TotalTokens"u8, r.Tokens.TotalTokens);
        Int32(json, "CachedTokens"u8, r.Tokens.CachedTokens);
        Int32(json, "ReasoningTokens"u8, r.Tokens.ReasoningTokens);
        if (r.Cost is { } cost)
        {
            Double(json, "Cost@odata.type"u8, "Cost"u8, (double)cost);
        }

        if (r.TimeToFirstByteMs is { } ttfb)
        {
            Double(json, "TimeToFirstByteMs@odata.type"u8, "TimeToFirstByteMs"u8, Math.Round(ttfb, 3));
        }

        json.WriteEndObject();
    }

    /// <summary>Annotated: an integral double written as <c>5</c> would otherwise be read back as an Int32.</summary>
    private static void Double(Utf8JsonWriter json, ReadOnlySpan<byte> typeName, ReadOnlySpan<byte> name, double value)
    {
        json.WriteString(typeName, DoubleType);
        json.WriteNumber(name, value);
    }

    private static void Int32(Utf8JsonWriter json, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }

    private static void String(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
