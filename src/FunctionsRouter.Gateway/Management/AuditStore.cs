using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// The audit trail of management changes (table <c>Router__AuditTable</c>, default <c>AliasAudit</c>). Key design:
/// PartitionKey = the entity (<c>alias:&lt;alias, lower case&gt;</c>, <c>caller:&lt;id&gt;</c>), so one entity's history
/// is one partition query; RowKey = 19 digits of (<see cref="DateTime.MaxValue"/> − the change's time) in ticks, then
/// 8 random hex digits, so the table's own order is newest first and two changes in the same tick never collide.
/// A page is one query page (at most 100 entries), its continuation token the SDK's own.
/// </summary>
internal sealed class AuditStore(TableClient table)
{
    public const string DefaultName = "AliasAudit";
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    private const string AtColumn = "At";
    private const string WhoColumn = "Who";
    private const string RequestIdColumn = "RequestId";
    private const string ActionColumn = "Action";
    private const string BeforeColumn = "Before";
    private const string AfterColumn = "After";

    public static string AliasEntity(string alias) => "alias:" + alias.ToLowerInvariant();

    public static string CallerEntity(string id) => "caller:" + id;

    /// <summary>Appends one entry; <paramref name="before"/> and <paramref name="after"/> are JSON (or absent).</summary>
    public async Task AppendAsync(string entity, string action, ManagementActor actor, DateTimeOffset at, string? before, string? after, CancellationToken cancellationToken)
    {
        var row = new TableEntity(entity, RowKey(at))
        {
            [AtColumn] = at,
            [WhoColumn] = actor.CallerId,
            [RequestIdColumn] = actor.RequestId,
            [ActionColumn] = action,
        };
        if (before is not null)
        {
            row[BeforeColumn] = before;
        }

        if (after is not null)
        {
            row[AfterColumn] = after;
        }

        try
        {
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One page of the entity's history, newest first.</summary>
    public async Task<AuditPageView> ReadAsync(string entity, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {entity}");
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken)
                               .AsPages(continuationToken, pageSize).ConfigureAwait(false))
            {
                return new AuditPageView([.. page.Values.Select(ToView)], string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: no history.
        }

        return new AuditPageView([]);
    }

    private static AuditEntryView ToView(TableEntity row) => new(
        row.GetDateTimeOffset(AtColumn) ?? row.Timestamp ?? DateTimeOffset.MinValue,
        row.GetString(WhoColumn) ?? string.Empty,
        row.GetString(RequestIdColumn) ?? string.Empty,
        row.GetString(ActionColumn) ?? string.Empty,
        Json(row.GetString(BeforeColumn)),
        Json(row.GetString(AfterColumn)));

    /// <summary>A stored snapshot; one that is not JSON (edited by hand) is shown as a JSON string rather than failing the page.</summary>
    private static JsonElement? Json(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text, ManagementJsonContext.Default.String);
        }
    }

    private static string RowKey(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTime.MaxValue.Ticks - at.UtcTicks:D19}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
}
