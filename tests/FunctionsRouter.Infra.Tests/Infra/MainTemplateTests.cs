using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FunctionsRouter.Infra.Tests.Bicep;

namespace FunctionsRouter.Infra.Tests.Infra;

[Collection(MainTemplateCollection.Name)]
public sealed partial class MainTemplateTests(MainTemplateFixture main)
{
    /// <summary>Outputs azd, the deploy step and the postprovision hook read.</summary>
    public static TheoryData<string> RequiredOutputs =>
    [
        "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME", "SERVICE_API_NAME",
        "SERVICE_API_URI", "AZURE_AI_SERVICES_ENDPOINT", "AZURE_TABLE_ENDPOINT", "AZURE_ALIAS_TABLE", "AZURE_AI_DEPLOYMENT_NAMES",
        "SERVICE_WEB_NAME", "SERVICE_WEB_URI", "WEB_ENTRA_CLIENT_ID", "WEB_ENTRA_SCOPE",
    ];

    [Fact]
    public void Template_Scope_IsSubscription()
    {
        Assert.Equal(
            "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
            ArmTemplate.GetString(main.Template["$schema"]));
        Assert.Single(ArmTemplate.GetCreated(main.Template, "Microsoft.Resources/resourceGroups"));
    }

    [Theory]
    [InlineData("environmentName", "${AZURE_ENV_NAME}")]
    [InlineData("location", "${AZURE_LOCATION}")]
    [InlineData("principalId", "${AZURE_PRINCIPAL_ID}")]
    public void ParametersFile_AzdConvention_MapsTheEnvironmentVariable(string parameter, string value)
    {
        Assert.NotNull(main.Template["parameters"]![parameter]);
        Assert.Equal(value, ArmTemplate.GetString(ReadParametersFile()[parameter]?["value"]));
    }

    [Fact]
    public void ParametersFile_EveryEntry_IsATemplateParameter()
    {
        var declared = main.Template["parameters"]!.AsObject().Select(p => p.Key).ToHashSet();

        Assert.All(ReadParametersFile(), entry => Assert.Contains(entry.Key, declared));
    }

    [Theory]
    [MemberData(nameof(RequiredOutputs))]
    public void Outputs_Main_DeclaresWhatAzdAndTheHookRead(string name)
    {
        var output = main.Template["outputs"]?[name];

        Assert.True(output is not null, $"main.bicep has no output {name}.");
        Assert.Equal("string", ArmTemplate.GetString(output["type"]));
    }

    [Fact]
    public void Outputs_EveryModule_CarryNoKeyOrSecret()
    {
        var outputs = ArmTemplate.GetOutputs(main.Template);

        Assert.Contains(outputs, o => o.Module != "main");
        foreach (var (_, name, output) in outputs)
        {
            Assert.DoesNotMatch("(?i)key|secret|password|connectionstring|connection_string", name);
            Assert.DoesNotMatch(ListFunction(), output.ToJsonString());
            Assert.NotEqual("securestring", ArmTemplate.GetString(output["type"]), StringComparer.OrdinalIgnoreCase);
            Assert.DoesNotContain("ConnectionString", output["value"]?.ToJsonString() ?? "", StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Template_Anywhere_CallsNoListKeysStyleFunction()
    {
        var json = main.Template.ToJsonString();

        Assert.True(json.Length > 1000);
        Assert.DoesNotMatch(ListFunction(), json);
    }

    [Fact]
    public void BicepFiles_Modules_AreLocalFilesNotRegistryReferences()
    {
        var files = Directory.GetFiles(MainTemplateFixture.InfraFolder, "*.bicep", SearchOption.AllDirectories);
        var modules = files.SelectMany(f => ModuleReference().Matches(File.ReadAllText(f)).Select(m => (File: f, Path: m.Groups["path"].Value))).ToList();

        Assert.NotEmpty(modules);
        Assert.All(modules, m =>
        {
            Assert.DoesNotMatch("^(br|ts)[:/]", m.Path);
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(m.File)!, m.Path)), $"{m.File}: module '{m.Path}' is not a file.");
        });
    }

    private static JsonObject ReadParametersFile() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(MainTemplateFixture.InfraFolder, "main.parameters.json")))!["parameters"]!.AsObject();

    /// <summary>ARM's list* functions (listKeys, listAccountSas, listSecrets ...) hand out keys.</summary>
    [GeneratedRegex(@"\blist[A-Za-z]*\(")]
    private static partial Regex ListFunction();

    [GeneratedRegex(@"^\s*module\s+\w+\s+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleReference();
}
