using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>What a command printed on success: a readable text, and the one JSON object printed instead under <c>--json</c>.</summary>
internal sealed record CommandOutput(string Text, string Json)
{
    public static CommandOutput Create<T>(T view, JsonTypeInfo<T> typeInfo, string text) =>
        new(text, JsonSerializer.Serialize(view, typeInfo));
}
