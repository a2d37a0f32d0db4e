namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// What the usage table client needs from a storage connection string: the table endpoint and either the account key
/// or a SAS. Understands <c>UseDevelopmentStorage=true</c> (Azurite), <c>TableEndpoint=</c>, and
/// <c>DefaultEndpointsProtocol</c> + <c>AccountName</c> + <c>EndpointSuffix</c>.
/// </summary>
internal sealed record TableConnectionString(Uri TableEndpoint, string? AccountName, string? AccountKey, string? SharedAccessSignature)
{
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static TableConnectionString Parse(string connectionString)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                parts[part[..equals]] = part[(equals + 1)..];
            }
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && string.Equals(dev, "true", StringComparison.OrdinalIgnoreCase))
        {
            var proxy = parts.GetValueOrDefault("DevelopmentStorageProxyUri") ?? "http://127.0.0.1";
            return new TableConnectionString(new Uri(new Uri(proxy).GetLeftPart(UriPartial.Scheme) + new Uri(proxy).Host + ":10002/" + DevAccount), DevAccount, DevKey, null);
        }

        var account = parts.GetValueOrDefault("AccountName");
        var key = parts.GetValueOrDefault("AccountKey");
        var sas = parts.GetValueOrDefault("SharedAccessSignature");
        Uri endpoint;
        if (parts.TryGetValue("TableEndpoint", out var tableEndpoint))
        {
            endpoint = new Uri(tableEndpoint);
        }
        else if (account is not null)
        {
            var protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol") ?? "https";
            var suffix = parts.GetValueOrDefault("EndpointSuffix") ?? "core.windows.net";
            endpoint = new Uri($"{protocol}://{account}.table.{suffix}");
        }
        else
        {
            throw new FormatException("The storage connection string names neither a TableEndpoint nor an AccountName.");
        }

        if (key is not null && account is null)
        {
            throw new FormatException("The storage connection string has an AccountKey but no AccountName.");
        }

        return new TableConnectionString(endpoint, account, key, sas?.TrimStart('?'));
    }
}
