using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionsRouter.Cli.Aliases;
using FunctionsRouter.Cli.Storage;
using FunctionsRouter.Infra.Tests.Bicep;
using FunctionsRouter.Infra.Tests.Infra;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Infra.Tests.Azd;

[Collection(MainTemplateCollection.Name)]
public sealed class AzureYamlTests(MainTemplateFixture main)
{
    private const string CliProject = "./src/FunctionsRouter.Cli";
    private const string WebService = "web";

    private static readonly string AzureYamlPath = Path.Combine(RepositoryRoot.Path, "azure.yaml");

    [Fact]
    public void AzureYaml_AgainstAzdSchema_IsValid()
    {
        var errors = AzdSchema.Validate(ToElement(ReadAzureYaml()));

        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Theory]
    [InlineData("services:\n  api:\n    project: ./src/FunctionsRouter\n    language: dotnet\n    host: function\n")]
    [InlineData("name: x\nservices:\n  api:\n    project: ./src/FunctionsRouter\n    language: dotnet\n")]
    [InlineData("name: functions-router\nhooks:\n  postprovision:\n    posix:\n      shell: bash\n      run: echo\n")]
    [InlineData("name: functions-router\nhooks:\n  postprovision:\n    shell: sh\n    interactive: true\n")]
    public void AzdSchema_InvalidDocument_IsRejected(string yaml)
    {
        // Guards the check above: the copied schema and the validator must reject what azd rejects.
        Assert.NotEmpty(AzdSchema.Validate(ToElement(YamlDocument.Parse(yaml))));
    }

    [Fact]
    public void Service_Api_DeploysTheFunctionsProjectToTheTaggedApp()
    {
        var services = ReadAzureYaml()["services"]!.AsObject();
        var serviceName = ArmTemplate.GetString(main.Template["variables"]!["serviceName"])!;

        Assert.Equal([serviceName, WebService], services.Select(s => s.Key).Order());
        var service = services[serviceName];
        Assert.Equal("function", ArmTemplate.GetString(service!["host"]));
        Assert.Equal("dotnet", ArmTemplate.GetString(service["language"]));
        var project = ArmTemplate.GetString(service["project"])!;
        Assert.Equal("./src/FunctionsRouter", project);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, project, "FunctionsRouter.csproj")), $"{project} holds no FunctionsRouter.csproj.");
    }

    [Fact]
    public void Service_Web_DeploysTheBuiltPageToTheTaggedStaticWebApp()
    {
        var service = ReadAzureYaml()["services"]![WebService]!;

        Assert.Equal(WebService, ArmTemplate.GetString(main.Template["variables"]!["webServiceName"]));
        Assert.Equal("staticwebapp", ArmTemplate.GetString(service["host"]));
        Assert.Equal("js", ArmTemplate.GetString(service["language"]));
        Assert.Equal("dist", ArmTemplate.GetString(service["dist"]));
        var project = Path.Combine(RepositoryRoot.Path, ArmTemplate.GetString(service["project"])!);
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(project, "package.json")));
        Assert.Contains("dist", package.RootElement.GetProperty("scripts").GetProperty("build").GetString() + File.ReadAllText(Path.Combine(project, "build.mjs")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(project, "package-lock.json")), "The page's dependencies must be pinned.");
    }

    [Theory]
    [InlineData("posix", "sh")]
    [InlineData("windows", "pwsh")]
    public void WebPredeployHook_EachShell_WritesConfigFromOutputsThenBuilds(string platform, string shell)
    {
        var hook = ReadAzureYaml()["services"]![WebService]!["hooks"]?["predeploy"]?[platform];

        Assert.True(hook is not null, $"azure.yaml has no services.web.hooks.predeploy.{platform}.");
        Assert.Equal(shell, ArmTemplate.GetString(hook["shell"]));
        Assert.Equal("node scripts/write-config.mjs && npm run build", ArmTemplate.GetString(hook["run"]));
    }

    [Theory]
    [InlineData("SERVICE_API_URI")]
    [InlineData("AZURE_TENANT_ID")]
    [InlineData("WEB_ENTRA_CLIENT_ID")]
    [InlineData("WEB_ENTRA_SCOPE")]
    public void WebPredeployHook_ConfigSetting_IsAnOutputOfMainReadByTheScript(string key)
    {
        var script = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "FunctionsRouter.Web", "scripts", "write-config.mjs"));

        Assert.Contains("env." + key, script, StringComparison.Ordinal);
        Assert.True(main.Template["outputs"]?[key] is not null, $"write-config.mjs reads {key}, which main.bicep does not output.");
    }

    [Theory]
    [InlineData("posix", "sh")]
    [InlineData("windows", "pwsh")]
    public void PostprovisionHook_EachShell_SeedsAliasesWithTheCli(string platform, string shell)
    {
        var hook = ReadAzureYaml()["hooks"]?["postprovision"]?[platform];

        Assert.True(hook is not null, $"azure.yaml has no hooks.postprovision.{platform}.");
        Assert.Equal(shell, ArmTemplate.GetString(hook["shell"]));
        Assert.Equal($"dotnet run --project {CliProject} -- aliases seed", ArmTemplate.GetString(hook["run"]));
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, CliProject, "FunctionsRouter.Cli.csproj")));
    }

    [Theory]
    [InlineData(TableSettings.TableEndpointKey)]
    [InlineData(SeedAliasesSettings.TableNameKey)]
    [InlineData(SeedAliasesSettings.DeploymentNamesKey)]
    [InlineData(TableSettings.TenantIdKey)]
    public void PostprovisionHook_SeedSetting_IsAnOutputOfMain(string key)
    {
        // azd exports main.bicep's outputs to hooks as environment variables; `aliases seed` reads them by these names.
        Assert.True(main.Template["outputs"]?[key] is not null, $"`aliases seed` reads {key}, which main.bicep does not output.");
    }

    private static JsonNode ReadAzureYaml() => YamlDocument.Parse(File.ReadAllText(AzureYamlPath));

    private static JsonElement ToElement(JsonNode node) => JsonSerializer.SerializeToElement(node);
}
