using System.Text.Json.Serialization;
using FunctionsRouter.Cli.Aliases;
using FunctionsRouter.Cli.Callers;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>The <c>--json</c> outputs, source-generated: camelCase, absent rather than null.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AliasSeedView))]
[JsonSerializable(typeof(CallerView))]
[JsonSerializable(typeof(CallerListView))]
[JsonSerializable(typeof(IssuedKeyView))]
[JsonSerializable(typeof(DeletedCallerView))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
