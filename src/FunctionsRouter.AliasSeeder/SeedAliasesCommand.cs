using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.AliasSeeder;

/// <summary>The seeder's command line: settings in, one line per alias out, an exit code.</summary>
internal static class SeedAliasesCommand
{
    public const int Succeeded = 0;
    public const int InvalidSettings = 1;
    public const int Failed = 2;

    public static async Task<int> RunAsync(
        IConfiguration configuration,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken = default)
    {
        if (!SeedAliasesSettings.TryCreate(configuration, out var settings, out var problems))
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync(problem);
            }

            await error.WriteLineAsync(SeedAliasesSettings.Usage);
            return InvalidSettings;
        }

        if (settings.DeploymentNames.Count == 0)
        {
            await output.WriteLineAsync("No model deployments given: no alias to seed.");
            return Succeeded;
        }

        var seeder = new AliasTableSeeder(CreateTableClient(settings), output, settings.PermissionRetryDelay, settings.PermissionAttempts);
        try
        {
            var results = await seeder.SeedAsync(settings.DeploymentNames, cancellationToken);
            foreach (var result in results)
            {
                await output.WriteLineAsync(Describe(result, settings.TableName));
            }

            return Succeeded;
        }
        catch (RequestFailedException ex)
        {
            await error.WriteLineAsync(
                $"Table storage refused the request: {ex.Status} {ex.ErrorCode}. " +
                (ex.Status == 403
                    ? "The signed-in identity needs Storage Table Data Contributor on the storage account (infra grants it to AZURE_PRINCIPAL_ID)."
                    : "Check the table endpoint and name."));
            return Failed;
        }
        catch (AuthenticationFailedException ex)
        {
            await error.WriteLineAsync($"Could not get a token for Table Storage; sign in with `azd auth login`. {ex.Message}");
            return Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Cancelled; aliases seeded so far stay, run again to seed the rest.");
            return Failed;
        }
    }

    private static string Describe(AliasSeedResult result, string tableName) => result.Outcome switch
    {
        AliasSeedOutcome.Inserted =>
            $"Seeded alias '{result.Alias}' -> deployment '{result.Deployment}' in table {tableName}.",
        _ =>
            $"Alias '{result.Alias}' already has a '{DefaultAliasRow.TargetName}' row in table {tableName}; left it unchanged.",
    };

    private static TableClient CreateTableClient(SeedAliasesSettings settings) =>
        settings.ConnectionString is { } connectionString
            ? new TableClient(connectionString, settings.TableName)
            : new TableClient(settings.TableEndpoint!, settings.TableName, CreateCredential(settings.TenantId));

    /// <summary>
    /// The identity azd is signed in with first (hooks run under it), then the usual developer and CI sources.
    /// </summary>
    private static TokenCredential CreateCredential(string? tenantId) =>
        new ChainedTokenCredential(
            new AzureDeveloperCliCredential(new AzureDeveloperCliCredentialOptions { TenantId = tenantId }),
            new DefaultAzureCredential(new DefaultAzureCredentialOptions { TenantId = tenantId }));
}
