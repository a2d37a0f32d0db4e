using System.Text.Json.Serialization;
using FunctionsRouter.Cli.Aliases;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>The <c>--json</c> outputs, source-generated: camelCase, absent rather than null.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AliasSeedView))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
