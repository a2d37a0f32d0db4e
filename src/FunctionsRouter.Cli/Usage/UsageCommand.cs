using System.CommandLine;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Management;
using FunctionsRouter.Gateway.Usage.Reports;

namespace FunctionsRouter.Cli.Usage;

/// <summary>
/// The <c>usage</c> commands: reports from the usage rollup (default table <c>UsageRollup</c>), by the gateway's own
/// <see cref="UsageReportService"/> (the <c>GET /api/manage/usage</c> route runs the same).
/// </summary>
internal static class UsageCommand
{
    /// <summary>The rollup table's name in the environment, like <c>AZURE_CALLER_TABLE</c> for the caller table.</summary>
    public const string TableNameKey = "AZURE_USAGE_ROLLUP_TABLE";

    public const string DefaultTableName = "UsageRollup";

    /// <summary>The gateway's <c>Router__Currency</c>, named by a report that finds no usage.</summary>
    private const string CurrencyKey = "Router:Currency";

    /// <summary>A whole report's reads: a report covers at most 92 day partitions of a small table.</summary>
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromMinutes(1);

    public static Command Create(CliContext context, GlobalOptions options)
    {
        var from = new Option<string?>("--from") { Description = "The first UTC day, yyyy-MM-dd.", HelpName = "date", Required = true };
        var to = new Option<string?>("--to") { Description = "The UTC day after the last one (not included), yyyy-MM-dd; at most 92 days after --from.", HelpName = "date", Required = true };
        var caller = new Option<string?>("--caller") { Description = "Only this caller id (key:<id>, entra:<object id>, anonymous).", HelpName = "caller id" };
        var alias = new Option<string?>("--alias") { Description = "Only this alias.", HelpName = "alias" };
        var groupBy = new Option<string?>("--group-by") { Description = "One line per day (default), caller, alias or deployment.", HelpName = "day|caller|alias|deployment" };
        var format = new Option<string?>("--format") { Description = "csv: RFC 4180 CSV with a header row, instead of readable lines.", HelpName = "csv" };
        var report = new Command("report", "Requests, errors, tokens and cost per group, from the usage rollup (never a scan of the usage rows).") { from, to, caller, alias, groupBy, format };
        report.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            options,
            parse,
            (TableNameKey, DefaultTableName),
            [],
            (invocation, problems) =>
            {
                UsageReportQuery query;
                try
                {
                    query = UsageReportQuery.Parse(parse.GetValue(from), parse.GetValue(to), parse.GetValue(caller), parse.GetValue(alias), parse.GetValue(groupBy), parse.GetValue(format));
                }
                catch (ManagementException ex)
                {
                    problems.Add(ex.Message);
                    return null;
                }

                if (invocation.Json && query.Format == UsageReportFormat.Csv)
                {
                    problems.Add("Give --json or --format csv, not both.");
                    return null;
                }

                var currency = context.Environment[CurrencyKey] is { Length: > 0 } c ? c : "USD";
                return async (tables, ct) => UsageOutputs.Report(await new UsageReportService(tables.Table, currency, ReportTimeout).GetReportAsync(query, ct), query.Format);
            },
            cancellationToken));

        return new Command("usage", "Usage of the gateway, from the usage rollup table (default UsageRollup).") { report };
    }
}
