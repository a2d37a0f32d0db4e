namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// Table Storage access (<c>Router__Storage__…</c>): a connection string, or a table service URI reached with
/// Microsoft Entra ID. With neither, <c>AzureWebJobsStorage</c> is used (a connection string, or its identity-based
/// <c>__tableServiceUri</c> / <c>__accountName</c> form). The same shape names a storage account of the usage ledger's
/// own (<c>Router__Usage__…</c>), used instead for the ledger when set.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>A storage connection string (Azurite: <c>UseDevelopmentStorage=true</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table service URI, e.g. <c>https://ACCOUNT.table.core.windows.net</c>, used with Entra ID.</summary>
    public string? TableServiceUri { get; set; }
}
