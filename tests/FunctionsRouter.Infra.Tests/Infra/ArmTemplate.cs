using System.Text.Json.Nodes;

namespace FunctionsRouter.Infra.Tests.Infra;

/// <summary>Reads a compiled ARM template, following Bicep modules (nested deployments with an inline template).</summary>
internal static class ArmTemplate
{
    public const string DeploymentType = "Microsoft.Resources/deployments";

    /// <summary>Every resource of the template and of its modules, modules included.</summary>
    public static IReadOnlyList<ArmResource> GetResources(JsonObject template)
    {
        var found = new List<ArmResource>();
        Collect(template, "main", found);
        return found;
    }

    /// <summary>The resources the template creates (not <c>existing</c> references) of one type.</summary>
    public static IReadOnlyList<ArmResource> GetCreated(JsonObject template, string type) =>
        GetResources(template).Where(r => !r.IsExisting && string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The single created resource of a type; fails the test when there is none or more than one.</summary>
    public static ArmResource GetSingle(JsonObject template, string type)
    {
        var matches = GetCreated(template, type);
        Assert.True(matches.Count == 1, $"Expected one {type}, found {matches.Count}: {string.Join(", ", matches)}");
        return matches[0];
    }

    /// <summary>A module of main.bicep by its symbolic name.</summary>
    public static ArmResource GetModule(JsonObject template, string symbol)
    {
        var module = GetResources(template).SingleOrDefault(r => r.Module == "main" && r.Symbol == symbol && r.Type == DeploymentType);
        Assert.True(module is not null, $"main.bicep has no module '{symbol}'.");
        return module;
    }

    /// <summary>All outputs of the template and of its modules, as (module, name, output).</summary>
    public static IReadOnlyList<(string Module, string Name, JsonObject Output)> GetOutputs(JsonObject template)
    {
        var found = new List<(string, string, JsonObject)>();
        AddOutputs(template, "main", found);
        foreach (var module in GetResources(template).Where(r => r.Type == DeploymentType))
        {
            if (module.At("properties.template") is JsonObject nested)
            {
                AddOutputs(nested, module.Symbol, found);
            }
        }

        return found;
    }

    public static string? GetString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static void AddOutputs(JsonObject template, string module, List<(string, string, JsonObject)> found)
    {
        if (template["outputs"] is JsonObject outputs)
        {
            found.AddRange(outputs.Select(o => (module, o.Key, o.Value!.AsObject())));
        }
    }

    private static void Collect(JsonObject template, string module, List<ArmResource> found)
    {
        // languageVersion 2.0 (symbolic names) holds resources in an object; 1.0 in an array.
        var resources = template["resources"] switch
        {
            JsonObject bySymbol => bySymbol.Select(p => (Symbol: p.Key, Body: p.Value!.AsObject())),
            JsonArray list => list.Select((r, i) => (Symbol: GetString(r!["name"]) ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture), Body: r!.AsObject())),
            _ => [],
        };
        foreach (var (symbol, body) in resources)
        {
            var resource = new ArmResource(module, symbol, body);
            found.Add(resource);
            if (resource.Type == DeploymentType && resource.At("properties.template") is JsonObject nested)
            {
                Collect(nested, symbol, found);
            }
        }
    }
}
