using FunctionsRouter.Infra.Tests.Bicep;

namespace FunctionsRouter.Infra.Tests.Infra;

[Collection(MainTemplateCollection.Name)]
public sealed class StorageModuleTests(MainTemplateFixture main)
{
    [Fact]
    public void StorageAccount_SharedKeyAndPublicBlobAccess_AreDisabled()
    {
        var account = ArmTemplate.GetSingle(main.Template, "Microsoft.Storage/storageAccounts");

        Assert.False(account.At("properties.allowSharedKeyAccess")?.GetValue<bool>() ?? true, "allowSharedKeyAccess must be false.");
        Assert.False(account.At("properties.allowBlobPublicAccess")?.GetValue<bool>() ?? true, "allowBlobPublicAccess must be false.");
    }

    [Fact]
    public void StorageAccount_Transport_IsHttpsOnlyWithTls12()
    {
        var account = ArmTemplate.GetSingle(main.Template, "Microsoft.Storage/storageAccounts");

        Assert.True(account.At("properties.supportsHttpsTrafficOnly")?.GetValue<bool>(), "supportsHttpsTrafficOnly must be true.");
        Assert.Equal("TLS1_2", ArmTemplate.GetString(account.At("properties.minimumTlsVersion")));
    }

    [Fact]
    public void DeploymentContainer_PublicAccess_IsNone()
    {
        var container = ArmTemplate.GetSingle(main.Template, "Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.Equal("None", ArmTemplate.GetString(container.At("properties.publicAccess")));
    }

    [Fact]
    public void Tables_MainTemplate_CreatesTheGatewaysTables()
    {
        var tables = ArmTemplate.GetSingle(main.Template, "Microsoft.Storage/storageAccounts/tableServices/tables");
        var tableNames = ArmTemplate.GetModule(main.Template, "storage").At("properties.parameters.tableNames.value")!.AsArray();
        var variables = main.Template["variables"]!;

        Assert.Equal("[length(parameters('tableNames'))]", ArmTemplate.GetString(tables.At("copy.count")));
        Assert.Equal(
            ["[variables('aliasTableName')]", "[variables('usageTableName')]", "[variables('healthTableName')]", "[variables('callerTableName')]", "[variables('responsesTableName')]", "[variables('auditTableName')]", "[variables('usageRollupTableName')]", "[variables('limitCountTableName')]"],
            tableNames.Select(ArmTemplate.GetString));
        Assert.Equal("ModelAliases", ArmTemplate.GetString(variables["aliasTableName"]));
        Assert.Equal("UsageRecords", ArmTemplate.GetString(variables["usageTableName"]));
        Assert.Equal("DeploymentHealth", ArmTemplate.GetString(variables["healthTableName"]));
        Assert.Equal("Callers", ArmTemplate.GetString(variables["callerTableName"]));
        Assert.Equal("ResponseAffinity", ArmTemplate.GetString(variables["responsesTableName"]));
        Assert.Equal("AliasAudit", ArmTemplate.GetString(variables["auditTableName"]));
        Assert.Equal("UsageRollup", ArmTemplate.GetString(variables["usageRollupTableName"]));
        Assert.Equal("CallerUsageCounts", ArmTemplate.GetString(variables["limitCountTableName"]));
    }
}
