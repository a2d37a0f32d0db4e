using FunctionsRouter.Infra.Tests.Bicep;

namespace FunctionsRouter.Infra.Tests.Infra;

[Collection(MainTemplateCollection.Name)]
public sealed class MonitoringModuleTests(MainTemplateFixture main)
{
    [Fact]
    public void ApplicationInsights_LocalAuth_IsDisabled()
    {
        var component = ArmTemplate.GetSingle(main.Template, "Microsoft.Insights/components");

        Assert.True(component.At("properties.DisableLocalAuth")?.GetValue<bool>(), $"{component}: DisableLocalAuth must be true.");
        Assert.Contains("Microsoft.OperationalInsights/workspaces", ArmTemplate.GetString(component.At("properties.WorkspaceResourceId")));
    }

    [Fact]
    public void LogAnalytics_LocalAuth_IsDisabled()
    {
        var workspace = ArmTemplate.GetSingle(main.Template, "Microsoft.OperationalInsights/workspaces");

        Assert.True(workspace.At("properties.features.disableLocalAuth")?.GetValue<bool>(), $"{workspace}: disableLocalAuth must be true.");
    }
}
