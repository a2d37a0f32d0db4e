using System.Text.Json.Serialization;

namespace FunctionsRouter.Gateway.Management;

/// <summary>The management shapes as JSON, source-generated: camelCase, absent rather than null. Shared by the HTTP routes and the command line's <c>--json</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallerView))]
[JsonSerializable(typeof(LimitsView))]
[JsonSerializable(typeof(CallerListView))]
[JsonSerializable(typeof(IssuedKeyView))]
[JsonSerializable(typeof(DeletedCallerView))]
public sealed partial class ManagementJsonContext : JsonSerializerContext;
