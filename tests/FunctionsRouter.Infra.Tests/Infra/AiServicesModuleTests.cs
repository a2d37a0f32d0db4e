using FunctionsRouter.Infra.Tests.Bicep;

namespace FunctionsRouter.Infra.Tests.Infra;

[Collection(MainTemplateCollection.Name)]
public sealed class AiServicesModuleTests(MainTemplateFixture main)
{
    [Fact]
    public void Account_Settings_AreAIServicesWithCustomSubdomainAndNoLocalAuth()
    {
        var account = ArmTemplate.GetSingle(main.Template, "Microsoft.CognitiveServices/accounts");

        Assert.Equal("AIServices", ArmTemplate.GetString(account.At("kind")));
        Assert.True(account.At("properties.disableLocalAuth")?.GetValue<bool>(), "disableLocalAuth must be true.");
        Assert.False(string.IsNullOrEmpty(ArmTemplate.GetString(account.At("properties.customSubDomainName"))), "customSubDomainName must be set.");
    }

    [Fact]
    public void Deployments_Loop_RunsOneAtATime()
    {
        var deployments = ArmTemplate.GetSingle(main.Template, "Microsoft.CognitiveServices/accounts/deployments");

        Assert.Equal("serial", ArmTemplate.GetString(deployments.At("copy.mode")));
        Assert.Equal(1, deployments.At("copy.batchSize")?.GetValue<int>());
        Assert.Equal("[length(parameters('modelDeployments'))]", ArmTemplate.GetString(deployments.At("copy.count")));
    }

    [Theory]
    [InlineData("name", "name")]
    [InlineData("properties.model.format", "format")]
    [InlineData("properties.model.name", "model")]
    [InlineData("properties.model.version", "version")]
    [InlineData("sku.name", "sku")]
    [InlineData("sku.capacity", "capacity")]
    public void Deployments_Property_ComesFromTheParameterArray(string path, string field)
    {
        var deployments = ArmTemplate.GetSingle(main.Template, "Microsoft.CognitiveServices/accounts/deployments");

        Assert.Contains($"parameters('modelDeployments')[copyIndex()].{field}", ArmTemplate.GetString(deployments.At(path)));
    }

    [Fact]
    public void ModelDeployments_Default_IsOneCompleteChatModel()
    {
        var defaults = main.Template["parameters"]!["modelDeployments"]!["defaultValue"]!.AsArray();

        var only = Assert.Single(defaults)!.AsObject();
        foreach (var field in new[] { "name", "format", "model", "version", "sku" })
        {
            Assert.False(string.IsNullOrWhiteSpace(ArmTemplate.GetString(only[field])), $"The default deployment has no {field}.");
        }

        Assert.True(only["capacity"]!.GetValue<int>() > 0);
    }

    [Fact]
    public void ModelsEndpoint_Output_IsTheModelInferenceUrlOfTheSubdomain()
    {
        var output = ArmTemplate.GetOutputs(main.Template).Single(o => o.Module == "aiServices" && o.Name == "modelsEndpoint");

        Assert.Equal(
            "[format('https://{0}.services.ai.azure.com/models', reference('account').customSubDomainName)]",
            ArmTemplate.GetString(output.Output["value"]));
        Assert.Equal(
            "[reference('aiServices').outputs.modelsEndpoint.value]",
            ArmTemplate.GetString(ArmTemplate.GetModule(main.Template, "functionApp").At("properties.parameters.aiServicesModelsEndpoint.value")));
    }
}
