using System.Text;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Management;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>
/// <c>GET /api/manage/usage?from=&amp;to=&amp;caller=&amp;alias=&amp;groupBy=&amp;format=</c>: the report of
/// <see cref="UsageReportService"/> as JSON, or as CSV with <c>format=csv</c>, for an admin (the management admission
/// of <see cref="ManagementExchange"/>: 401, 403 <c>admin_required</c>). Bad input answers 400
/// <c>invalid_usage_query</c> naming every problem; a rollup that cannot be read in time, 503
/// <c>management_store_unavailable</c>.
/// </summary>
public sealed class UsageReportHandler
{
    private static readonly string[] Parameters = ["from", "to", "caller", "alias", "groupBy", "format"];

    private readonly ManagementExchange _exchange;
    private readonly UsageReportService _reports;

    internal UsageReportHandler(ManagementExchange exchange, UsageReportService reports)
    {
        _exchange = exchange;
        _reports = reports;
    }

    public Task HandleAsync(HttpContext context) => _exchange.RunAsync(context, readsBody: false, async request =>
    {
        var query = request.Context.Request.Query;
        foreach (var name in Parameters)
        {
            if (query[name].Count > 1)
            {
                throw new ManagementException(GatewayErrorCode.InvalidUsageQuery, $"'{name}' is given {query[name].Count} times; give it once.", name);
            }
        }

        var report = UsageReportQuery.Parse(request.Query("from"), request.Query("to"), request.Query("caller"), request.Query("alias"), request.Query("groupBy"), request.Query("format"));
        var view = await _reports.GetReportAsync(report, request.CancellationToken).ConfigureAwait(false);
        return report.Format == UsageReportFormat.Csv
            ? new ManagementReply(StatusCodes.Status200OK, Encoding.UTF8.GetBytes(UsageReportCsv.Write(view)), ContentType: UsageReportCsv.ContentType)
            : ManagementReply.Create(view, UsageReportJsonContext.Default.UsageReportView);
    });
}
