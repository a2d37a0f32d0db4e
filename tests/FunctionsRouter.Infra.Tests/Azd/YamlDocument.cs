using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace FunctionsRouter.Infra.Tests.Azd;

/// <summary>Reads YAML into JSON (plain scalars typed as YAML does: true stays a boolean, 3 a number).</summary>
internal static class YamlDocument
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithAttemptingUnquotedStringTypeDeserialization()
        .Build();

    private static readonly ISerializer JsonSerializer = new SerializerBuilder().JsonCompatible().Build();

    public static JsonNode Parse(string yaml)
    {
        var graph = Deserializer.Deserialize<object?>(yaml)
            ?? throw new InvalidOperationException("The YAML document is empty.");
        return JsonNode.Parse(JsonSerializer.Serialize(graph))!;
    }
}
