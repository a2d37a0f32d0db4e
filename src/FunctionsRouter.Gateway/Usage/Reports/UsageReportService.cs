using System.Globalization;
using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Management;

namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>
/// Builds usage reports from the usage rollup (<see cref="UsageRollupKey"/>), never from the usage rows: a report reads
/// the rollup's partitions of its days (at most <see cref="UsageReportQuery.MaxDays"/>), for one caller only the RowKey
/// range of that caller, and sums the cells into groups. One implementation for the <c>GET /api/manage/usage</c> route
/// and the command line's <c>usage report</c>.
/// </summary>
public sealed class UsageReportService
{
    private static readonly string[] Columns =
    [
        UsageRollupRow.DayColumn, UsageRollupRow.CallerColumn, UsageRollupRow.AliasColumn, UsageRollupRow.EndpointColumn,
        UsageRollupRow.DeploymentColumn, UsageRollupRow.RequestsColumn, UsageRollupRow.ErrorsColumn, UsageRollupRow.PromptTokensColumn,
        UsageRollupRow.CompletionTokensColumn, UsageRollupRow.TotalTokensColumn, UsageRollupRow.CachedTokensColumn,
        UsageRollupRow.PricedRequestsColumn, UsageRollupRow.CostNanosColumn, UsageRollupRow.CurrencyColumn,
    ];

    private readonly TableClient _rollup;
    private readonly string _currency;
    private readonly TimeSpan _timeout;

    /// <param name="rollup">The rollup table (<c>Router__UsageRollupTable</c>).</param>
    /// <param name="currency">
    /// The currency of the targets' prices (<c>Router__Currency</c>), named by a report without cells. A report names the
    /// currency its cells were written in; if <c>Router__Currency</c> changed within its range, it names each, comma-separated
    /// (nothing is converted).
    /// </param>
    /// <param name="timeout">The longest a whole report may read; past it the report fails (503) rather than hang.</param>
    public UsageReportService(TableClient rollup, string currency, TimeSpan timeout)
    {
        _rollup = rollup;
        _currency = currency;
        _timeout = timeout;
    }

    /// <summary>
    /// The report of <paramref name="query"/>. Throws <see cref="ManagementException"/> with
    /// <see cref="GatewayErrorCode.ManagementStoreUnavailable"/> (503) when the rollup cannot be read within the timeout.
    /// A rollup table that does not exist yet is a report without lines.
    /// </summary>
    public async Task<UsageReportView> GetReportAsync(UsageReportQuery query, CancellationToken cancellationToken = default)
    {
        var groups = new SortedDictionary<(string, string), (UsageReportLine Key, UsageRollupCounts Counts)>();
        var currencies = new SortedSet<string>(StringComparer.Ordinal);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await foreach (var cell in _rollup.QueryAsync<TableEntity>(Filter(query), select: Columns, cancellationToken: timeout.Token).ConfigureAwait(false))
            {
                if (query.Alias is { } alias && !string.Equals(cell.GetString(UsageRollupRow.AliasColumn), alias, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (cell.GetString(UsageRollupRow.CurrencyColumn) is { Length: > 0 } currency)
                {
                    currencies.Add(currency);
                }

                var key = KeyOf(cell, query.GroupBy);
                var sortKey = (key.Day ?? key.Caller ?? key.Alias ?? key.Endpoint ?? string.Empty, key.Deployment ?? string.Empty);
                var group = groups.GetValueOrDefault(sortKey, (key, default));
                group.Counts.Add(CountsOf(cell));
                groups[sortKey] = group;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No rollup table yet: nothing was recorded.
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && TableStorageFailures.IsStorageFailure(ex))
        {
            throw new ManagementException(GatewayErrorCode.ManagementStoreUnavailable, $"The usage rollup table {_rollup.Name} could not be read in time; try again shortly.");
        }

        var lines = groups.Values.Select(g => Line(g.Key, g.Counts)).ToList();
        var total = default(UsageRollupCounts);
        foreach (var group in groups.Values)
        {
            total.Add(group.Counts);
        }

        return new UsageReportView(
            Day(query.From),
            Day(query.To),
            UsageReportQuery.NameOf(query.GroupBy),
            query.Caller,
            query.Alias,
            currencies.Count == 0 ? _currency : string.Join(',', currencies),
            lines,
            Line(new UsageReportLine(), total));
    }

    /// <summary>The days' partitions; for a caller, only its RowKey range in each.</summary>
    internal static string Filter(UsageReportQuery query)
    {
        var from = UsageRollupKey.DayKey(query.From);
        var to = UsageRollupKey.DayKey(query.To);
        if (query.Caller is not { } caller)
        {
            return TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to}");
        }

        var prefix = UsageRollupKey.CallerPrefix(caller);
        return TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
    }

    private static UsageReportLine KeyOf(TableEntity cell, UsageReportGrouping grouping) => grouping switch
    {
        UsageReportGrouping.Caller => new UsageReportLine { Caller = cell.GetString(UsageRollupRow.CallerColumn) ?? string.Empty },
        UsageReportGrouping.Alias => new UsageReportLine { Alias = cell.GetString(UsageRollupRow.AliasColumn) ?? string.Empty },
        UsageReportGrouping.Deployment => new UsageReportLine
        {
            Endpoint = cell.GetString(UsageRollupRow.EndpointColumn) ?? string.Empty,
            Deployment = cell.GetString(UsageRollupRow.DeploymentColumn) ?? string.Empty,
        },
        _ => new UsageReportLine { Day = cell.GetString(UsageRollupRow.DayColumn) ?? string.Empty },
    };

    private static UsageRollupCounts CountsOf(TableEntity cell) => new()
    {
        Requests = Int64(cell, UsageRollupRow.RequestsColumn),
        Errors = Int64(cell, UsageRollupRow.ErrorsColumn),
        PromptTokens = Int64(cell, UsageRollupRow.PromptTokensColumn),
        CompletionTokens = Int64(cell, UsageRollupRow.CompletionTokensColumn),
        TotalTokens = Int64(cell, UsageRollupRow.TotalTokensColumn),
        CachedTokens = Int64(cell, UsageRollupRow.CachedTokensColumn),
        PricedRequests = Int64(cell, UsageRollupRow.PricedRequestsColumn),
        CostNanos = Int64(cell, UsageRollupRow.CostNanosColumn),
    };

    private static long Int64(TableEntity cell, string column) => cell.TryGetValue(column, out var value) ? value switch
    {
        long l => l,
        int i => i,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => 0,
    } : 0;

    private static UsageReportLine Line(UsageReportLine key, UsageRollupCounts counts) => key with
    {
        Requests = counts.Requests,
        Errors = counts.Errors,
        PromptTokens = counts.PromptTokens,
        CompletionTokens = counts.CompletionTokens,
        TotalTokens = counts.TotalTokens,
        CachedTokens = counts.CachedTokens,
        PricedRequests = counts.PricedRequests,
        Cost = counts.PricedRequests > 0 ? counts.Cost : null,
    };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
