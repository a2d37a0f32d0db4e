using System.Text.Json.Nodes;
using FunctionsRouter.Infra.Tests.Bicep;

namespace FunctionsRouter.Infra.Tests.Infra;

[Collection(MainTemplateCollection.Name)]
public sealed class FunctionAppModuleTests(MainTemplateFixture main)
{
    private ArmResource Site => ArmTemplate.GetSingle(main.Template, "Microsoft.Web/sites");

    [Fact]
    public void Plan_Sku_IsFlexConsumption()
    {
        var plan = ArmTemplate.GetSingle(main.Template, "Microsoft.Web/serverfarms");

        Assert.Equal("FC1", ArmTemplate.GetString(plan.At("sku.name")));
        Assert.Equal("FlexConsumption", ArmTemplate.GetString(plan.At("sku.tier")));
        Assert.True(plan.At("properties.reserved")?.GetValue<bool>(), "A Flex Consumption plan is Linux (reserved: true).");
    }

    [Fact]
    public void Site_Runtime_IsDotnetIsolated10()
    {
        Assert.Equal("functionapp,linux", ArmTemplate.GetString(Site.At("kind")));
        Assert.Equal("dotnet-isolated", ArmTemplate.GetString(Site.At("properties.functionAppConfig.runtime.name")));
        Assert.Equal("10.0", ArmTemplate.GetString(Site.At("properties.functionAppConfig.runtime.version")));
    }

    [Fact]
    public void Site_Transport_IsHttpsOnlyWithTls12()
    {
        Assert.True(Site.At("properties.httpsOnly")?.GetValue<bool>(), "httpsOnly must be true.");
        Assert.Equal("1.2", ArmTemplate.GetString(Site.At("properties.siteConfig.minTlsVersion")));
        Assert.Equal("Disabled", ArmTemplate.GetString(Site.At("properties.siteConfig.ftpsState")));
    }

    [Fact]
    public void Site_Identity_IsUserAssignedAndAuthenticatesDeploymentStorage()
    {
        Assert.Equal("UserAssigned", ArmTemplate.GetString(Site.At("identity.type")));
        var identities = Site.At("identity.userAssignedIdentities")!.AsObject();
        Assert.Contains("parameters('identityId')", Assert.Single(identities).Key);

        var storage = Site.At("properties.functionAppConfig.deployment.storage")!;
        Assert.Equal("blobContainer", ArmTemplate.GetString(storage["type"]));
        Assert.Equal("UserAssignedIdentity", ArmTemplate.GetString(storage["authentication"]!["type"]));
        Assert.Equal("[parameters('identityId')]", ArmTemplate.GetString(storage["authentication"]!["userAssignedIdentityResourceId"]));
        Assert.Equal(
            "[reference('identity').outputs.id.value]",
            ArmTemplate.GetString(ArmTemplate.GetModule(main.Template, "functionApp").At("properties.parameters.identityId.value")));
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__accountName", "[parameters('storageAccountName')]")]
    [InlineData("AzureWebJobsStorage__credential", "managedidentity")]
    [InlineData("AzureWebJobsStorage__clientId", "[parameters('identityClientId')]")]
    [InlineData("AZURE_CLIENT_ID", "[parameters('identityClientId')]")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "[reference('applicationInsights').ConnectionString]")]
    [InlineData("Router__Endpoints__default__Url", "[parameters('aiServicesModelsEndpoint')]")]
    [InlineData("Router__Endpoints__default__Api", "models")]
    [InlineData("Router__Storage__TableServiceUri", "[parameters('storageTableEndpoint')]")]
    [InlineData("Router__AliasTable", "[parameters('aliasTableName')]")]
    [InlineData("Router__UsageTable", "[parameters('usageTableName')]")]
    [InlineData("Router__HealthTable", "[parameters('healthTableName')]")]
    [InlineData("Router__CallerTable", "[parameters('callerTableName')]")]
    [InlineData("Router__AuditTable", "[parameters('auditTableName')]")]
    [InlineData("Router__Cors__AllowedOrigins", "[join(parameters('corsAllowedOrigins'), ',')]")]
    [InlineData("Router__Entra__Audience", "[parameters('entraAudience')]")]
    [InlineData("Router__Entra__TenantId", "[if(empty(parameters('entraAudience')), '', parameters('entraTenantId'))]")]
    [InlineData("Router__ResponsesTable", "[parameters('responsesTableName')]")]
    [InlineData("Router__UsageRollupTable", "[parameters('usageRollupTableName')]")]
    [InlineData("Router__Limits__CountTable", "[parameters('limitCountTableName')]")]
    public void Site_AppSetting_HasIdentityBasedValue(string name, string expected)
    {
        var settings = GetAppSettings();

        Assert.True(settings.TryGetValue(name, out var value), $"No app setting {name}; the app has: {string.Join(", ", settings.Keys)}.");
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Site_AppSettings_HoldNoKeyOrSecret()
    {
        var settings = GetAppSettings();

        Assert.NotEmpty(settings);
        foreach (var (name, value) in settings)
        {
            Assert.DoesNotMatch("(?i)key|secret|password|sas", name);
            Assert.DoesNotMatch(@"(?i)\blist\w*\(|AccountKey=|SharedAccessSignature|SharedAccessKey", value);
        }

        Assert.DoesNotContain(settings.Keys, name => name.StartsWith("Router__Endpoints__", StringComparison.Ordinal) && name.EndsWith("__Key", StringComparison.Ordinal));
    }

    [Fact]
    public void Site_Cors_AnsweredByTheGatewayFromTheMainParameterNotThePlatform()
    {
        // The platform's CORS would answer preflights before the gateway sees them. (The chat page's origin is added
        // to the parameter's list: StaticWebAppModuleTests.)
        Assert.Null(Site.At("properties.siteConfig.cors"));
        Assert.StartsWith(
            "[union(parameters('corsAllowedOrigins'),",
            ArmTemplate.GetString(ArmTemplate.GetModule(main.Template, "functionApp").At("properties.parameters.corsAllowedOrigins.value")));
        Assert.Equal("array", ArmTemplate.GetString(main.Template["parameters"]!["corsAllowedOrigins"]!["type"]));
    }

    [Fact]
    public void Site_Entra_TenantOfTheDeploymentAndAudienceFromTheMainParameter()
    {
        var module = ArmTemplate.GetModule(main.Template, "functionApp");

        Assert.Equal("[tenant().tenantId]", ArmTemplate.GetString(module.At("properties.parameters.entraTenantId.value")));
        Assert.Equal("[parameters('entraAudience')]", ArmTemplate.GetString(module.At("properties.parameters.entraAudience.value")));
        Assert.Equal("", ArmTemplate.GetString(main.Template["parameters"]!["entraAudience"]!["defaultValue"]));
    }

    [Fact]
    public void Site_Tags_NameTheAzdService()
    {
        Assert.Contains("createObject('azd-service-name', parameters('serviceName'))", ArmTemplate.GetString(Site.At("tags")));
        Assert.Equal(
            "[variables('serviceName')]",
            ArmTemplate.GetString(ArmTemplate.GetModule(main.Template, "functionApp").At("properties.parameters.serviceName.value")));
    }

    private Dictionary<string, string> GetAppSettings() =>
        Site.At("properties.siteConfig.appSettings")!.AsArray()
            .Select(s => s!.AsObject())
            .ToDictionary(s => ArmTemplate.GetString(s["name"])!, s => ArmTemplate.GetString(s["value"]) ?? s["value"]?.ToJsonString() ?? "");
}
