using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Management;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>
/// <c>GET /api/manage/usage?from=&amp;to=&amp;caller=&amp;alias=&amp;groupBy=&amp;format=</c> for a caller the
/// management admission has let in: the report of <see cref="UsageReportService"/> as JSON, or as CSV with
/// <c>format=csv</c>. Bad input answers 400 <c>invalid_usage_query</c> naming every problem; a rollup that cannot be
/// read in time, 503 <c>management_store_unavailable</c>.
/// </summary>
public sealed class UsageReportHandler(UsageReportService reports)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var response = context.Response;

        // A GET has no body; one sent anyway is read to its end before answering, as the Functions host requires.
        await context.Request.Body.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        try
        {
            var query = context.Request.Query;
            var report = UsageReportQuery.Parse(One(query, "from"), One(query, "to"), One(query, "caller"), One(query, "alias"), One(query, "groupBy"), One(query, "format"));
            var view = await reports.GetReportAsync(report, cancellationToken).ConfigureAwait(false);
            response.StatusCode = StatusCodes.Status200OK;
            response.Headers.CacheControl = "no-store";
            if (report.Format == UsageReportFormat.Csv)
            {
                response.ContentType = UsageReportCsv.ContentType;
                await response.Body.WriteAsync(Encoding.UTF8.GetBytes(UsageReportCsv.Write(view)), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(response.Body, view, UsageReportJsonContext.Default.UsageReportView, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ManagementException ex)
        {
            await GatewayErrors.WriteResponseAsync(response, ex.Error, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A query parameter given once; given more than once it is refused (which one was meant?).</summary>
    private static string? One(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            throw new ManagementException(GatewayErrorCode.InvalidUsageQuery, $"'{name}' is given {values.Count} times; give it once.", name);
        }

        return StringValues.IsNullOrEmpty(values) ? null : values.ToString();
    }
}
