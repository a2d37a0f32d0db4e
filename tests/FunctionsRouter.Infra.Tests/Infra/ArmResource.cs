using System.Text.Json.Nodes;

namespace FunctionsRouter.Infra.Tests.Infra;

/// <summary>One resource of a compiled ARM template, with the module (nested deployment) it sits in.</summary>
/// <param name="Module">Symbolic name of the module in main.bicep, or <c>main</c>.</param>
/// <param name="Symbol">Symbolic name of the resource in its Bicep file.</param>
/// <param name="Body">The resource's JSON.</param>
internal sealed record ArmResource(string Module, string Symbol, JsonObject Body)
{
    public string Type => Body["type"]!.GetValue<string>();

    /// <summary>Declared with <c>existing</c>: a reference, not something the template creates.</summary>
    public bool IsExisting => Body["existing"]?.GetValue<bool>() == true;

    public JsonNode? Properties => Body["properties"];

    /// <summary>The value at a dotted path (e.g. <c>properties.siteConfig.minTlsVersion</c>), or null.</summary>
    public JsonNode? At(string path)
    {
        JsonNode? node = Body;
        foreach (var segment in path.Split('.'))
        {
            node = node?[segment];
        }

        return node;
    }

    public override string ToString() => $"{Module}/{Symbol} ({Type})";
}
