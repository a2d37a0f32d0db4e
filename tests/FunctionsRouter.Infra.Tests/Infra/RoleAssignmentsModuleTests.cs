using FunctionsRouter.Infra.Tests.Bicep;

namespace FunctionsRouter.Infra.Tests.Infra;

[Collection(MainTemplateCollection.Name)]
public sealed class RoleAssignmentsModuleTests(MainTemplateFixture main)
{
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";

    /// <summary>Built-in role definition ids (Azure built-in roles reference) and the resource type each is granted on.</summary>
    public static TheoryData<string, string, string, string> Grants
    {
        get
        {
            var data = new TheoryData<string, string, string, string>();
            foreach (var module in new[] { "appRoles", "deployerRoles" })
            {
                data.Add(module, "Cognitive Services User", "a97b65f3-24c7-4388-baec-2e87135dc908", "Microsoft.CognitiveServices/accounts");
                data.Add(module, "Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts");
                data.Add(module, "Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts");
                data.Add(module, "Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts");
                data.Add(module, "Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Grants))]
    public void RoleAssignment_EachDataRole_IsGrantedOnItsScopeWithADeterministicName(string module, string role, string roleId, string scopeType)
    {
        var assignments = GetAssignments(module)
            .Where(a => ArmTemplate.GetString(a.At("properties.roleDefinitionId")) ==
                $"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{roleId}')]")
            .ToList();

        var assignment = Assert.Single(assignments);
        Assert.Equal(role, ArmTemplate.GetString(assignment.At("properties.description")));
        Assert.StartsWith($"[resourceId('{scopeType}', ", ArmTemplate.GetString(assignment.At("scope")));
        Assert.Equal("[parameters('principalId')]", ArmTemplate.GetString(assignment.At("properties.principalId")));
        var name = ArmTemplate.GetString(assignment.At("name"));
        Assert.StartsWith($"[guid(resourceId('{scopeType}', ", name);
        Assert.EndsWith($"parameters('principalId'), '{roleId}')]", name);
    }

    [Theory]
    [InlineData("appRoles")]
    [InlineData("deployerRoles")]
    public void RoleAssignments_Module_GrantsExactlyTheFiveDataRoles(string module)
    {
        var roleIds = GetAssignments(module)
            .Select(a => ArmTemplate.GetString(a.At("properties.roleDefinitionId"))!.Split('\'')[^2])
            .Order()
            .ToList();

        Assert.Equal(
            Grants.Select(row => (string)row[2]).Distinct().Order(),
            roleIds);
    }

    [Fact]
    public void AppRoles_Principal_IsTheFunctionAppsIdentity()
    {
        var module = ArmTemplate.GetModule(main.Template, "appRoles");

        Assert.Null(module.Body["condition"]);
        Assert.Equal("[reference('identity').outputs.principalId.value]", ArmTemplate.GetString(module.At("properties.parameters.principalId.value")));
        Assert.Equal("ServicePrincipal", ArmTemplate.GetString(module.At("properties.parameters.principalType.value")));
    }

    [Fact]
    public void DeployerRoles_Principal_IsPrincipalIdAndOnlyWhenGiven()
    {
        var module = ArmTemplate.GetModule(main.Template, "deployerRoles");

        Assert.Equal("[not(empty(parameters('principalId')))]", ArmTemplate.GetString(module.Body["condition"]));
        Assert.Equal("[parameters('principalId')]", ArmTemplate.GetString(module.At("properties.parameters.principalId.value")));
    }

    [Fact]
    public void FunctionApp_Module_WaitsForTheAppIdentitysRoles()
    {
        var dependsOn = ArmTemplate.GetModule(main.Template, "functionApp").Body["dependsOn"]!.AsArray();

        Assert.Contains("appRoles", dependsOn.Select(d => ArmTemplate.GetString(d)));
    }

    private List<ArmResource> GetAssignments(string module) =>
        ArmTemplate.GetCreated(main.Template, RoleAssignmentType).Where(a => a.Module == module).ToList();
}
