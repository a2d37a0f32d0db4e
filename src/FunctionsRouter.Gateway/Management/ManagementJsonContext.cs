using System.Text.Json.Serialization;

namespace FunctionsRouter.Gateway.Management;

/// <summary>The management shapes as JSON, source-generated: camelCase, absent rather than null. Shared by the HTTP routes and the command line's <c>--json</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallerView))]
[JsonSerializable(typeof(LimitsView))]
[JsonSerializable(typeof(CallerListView))]
[JsonSerializable(typeof(IssuedKeyView))]
[JsonSerializable(typeof(DeletedCallerView))]
[JsonSerializable(typeof(AliasView))]
[JsonSerializable(typeof(AliasListView))]
[JsonSerializable(typeof(AliasDefinition))]
[JsonSerializable(typeof(IReadOnlyList<AliasTargetView>))]
[JsonSerializable(typeof(DeletedAliasView))]
[JsonSerializable(typeof(AuditPageView))]
[JsonSerializable(typeof(DeploymentListView))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
public sealed partial class ManagementJsonContext : JsonSerializerContext;
