using Azure.Data.Tables;
using FunctionsRouter.Gateway.Management;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>The tables a command works on: its own (<c>--table</c>), and others of the same account by name (the audit table).</summary>
/// <param name="Table">The command's table.</param>
/// <param name="Open">Another table of the same storage account, reached the same way.</param>
internal sealed record CommandTables(TableClient Table, Func<string, TableClient> Open)
{
    /// <summary>The audit table's name in the environment (default <c>AliasAudit</c>, the gateway's <c>Router__AuditTable</c>).</summary>
    public const string AuditTableKey = "AZURE_AUDIT_TABLE";

    /// <summary>The audit trail every management change is recorded in.</summary>
    public AuditStore Audit(IConfiguration settings) =>
        new(Open(settings[AuditTableKey] is { Length: > 0 } name ? name : AuditStore.DefaultName));
}
