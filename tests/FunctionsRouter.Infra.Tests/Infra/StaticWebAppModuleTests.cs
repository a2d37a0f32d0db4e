using FunctionsRouter.Infra.Tests.Bicep;

namespace FunctionsRouter.Infra.Tests.Infra;

/// <summary>The chat page's Static Web App: Free plan, deployed to by azd's <c>web</c> service, its origin allowed by the gateway.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class StaticWebAppModuleTests(MainTemplateFixture main)
{
    private ArmResource Site => ArmTemplate.GetSingle(main.Template, "Microsoft.Web/staticSites");

    [Fact]
    public void Site_Sku_IsFree()
    {
        Assert.Equal("Free", ArmTemplate.GetString(Site.At("sku.name")));
        Assert.Equal("Free", ArmTemplate.GetString(Site.At("sku.tier")));
    }

    [Fact]
    public void Site_Source_IsUploadedByAzdNotARepository()
    {
        Assert.Equal("None", ArmTemplate.GetString(Site.At("properties.provider")));
        Assert.Null(Site.At("properties.repositoryUrl"));
    }

    [Fact]
    public void Site_Tags_NameTheAzdWebService()
    {
        Assert.Contains("createObject('azd-service-name', parameters('serviceName'))", ArmTemplate.GetString(Site.At("tags")));
        Assert.Equal("[variables('webServiceName')]", ArmTemplate.GetString(ArmTemplate.GetModule(main.Template, "web").At("properties.parameters.serviceName.value")));
        Assert.Equal("web", ArmTemplate.GetString(main.Template["variables"]!["webServiceName"]));
    }

    [Fact]
    public void Site_Location_IsARegionThatOffersStaticWebApps()
    {
        Assert.Equal("[parameters('webLocation')]", ArmTemplate.GetString(ArmTemplate.GetModule(main.Template, "web").At("properties.parameters.location.value")));
        var allowed = main.Template["parameters"]!["webLocation"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.Contains(ArmTemplate.GetString(main.Template["parameters"]!["webLocation"]!["defaultValue"]), allowed);
        string[] offered = ["westus2", "centralus", "eastus2", "westeurope", "eastasia"];
        Assert.All(allowed, region => Assert.Contains(region, offered));
    }

    [Fact]
    public void Gateway_Cors_AllowsTheSitesOriginBesidesTheDeployersList()
    {
        Assert.Equal(
            "[union(parameters('corsAllowedOrigins'), createArray(reference('web').outputs.url.value))]",
            ArmTemplate.GetString(ArmTemplate.GetModule(main.Template, "functionApp").At("properties.parameters.corsAllowedOrigins.value")));
        var url = ArmTemplate.GetOutputs(main.Template).Single(o => o.Module == "web" && o.Name == "url").Output;
        Assert.Equal("[format('https://{0}', reference(resourceId('Microsoft.Web/staticSites', parameters('name')), '2024-04-01').defaultHostname)]", ArmTemplate.GetString(url["value"]));
    }
}
