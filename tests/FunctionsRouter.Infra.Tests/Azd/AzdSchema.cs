using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionsRouter.Testing;
using Json.Schema;

namespace FunctionsRouter.Infra.Tests.Azd;

/// <summary>
/// azd's JSON schema for azure.yaml, from the copy in <c>infra/schemas/azure.yaml.json</c> (never downloaded).
/// </summary>
internal static partial class AzdSchema
{
    public static string SchemaPath { get; } = Path.Combine(RepositoryRoot.Path, "infra", "schemas", "azure.yaml.json");

    private static readonly Lazy<JsonSchema> Schema = new(Load);

    /// <summary>Validates a document; returns the errors (empty when valid), each with where it was found.</summary>
    public static IReadOnlyList<string> Validate(JsonElement document)
    {
        var results = Schema.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no detail reported)"];
    }

    /// <summary>
    /// The schema composes the schemas of azd extensions (hosts <c>azure.ai.*</c>, <c>microsoft.foundry</c>) by URL.
    /// Tests may not fetch them, so each gets a permissive stand-in: documents using those hosts are not checked
    /// further, everything else (this repository's <c>function</c> host included) is checked in full.
    /// </summary>
    private static JsonSchema Load()
    {
        var text = File.ReadAllText(SchemaPath);
        var registry = new SchemaRegistry();
        foreach (var uri in ExternalReference().Matches(text).Select(m => m.Groups["uri"].Value).Distinct())
        {
            registry.Register(new Uri(uri), JsonSchema.FromText("true"));
        }

        return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = registry });
    }

    [GeneratedRegex("\"\\$ref\"\\s*:\\s*\"(?<uri>https?://[^\"#]+)")]
    private static partial Regex ExternalReference();
}
