namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// Table Storage access (<c>Router__Storage__…</c>): a connection string, or a table service URI reached with
/// Microsoft Entra ID. With neither, <c>AzureWebJobsStorage</c> is used (a connection string, or its identity-based
/// <c>__tableServiceUri</c> / <c>__accountName</c> form).
/// </summary>
public sealed class StorageOptions
{
    /// <summary>A storage connection string (Azurite: <c>UseDevelopmentStorage=true</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table service URI, e.g. <c>https://ACCOUNT.table.core.windows.net</c>, used with Entra ID.</summary>
    public string? TableServiceUri { get; set; }
}
