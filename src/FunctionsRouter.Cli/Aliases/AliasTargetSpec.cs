using System.Globalization;
using System.Text.Json.Nodes;

namespace FunctionsRouter.Cli.Aliases;

/// <summary>
/// One <c>--target</c> of <c>aliases set</c>: <c>name=primary,deployment=gpt-4o,endpoint=default,priority=0,weight=1,enabled=true,
/// inputPerMillion=2.5,cachedInputPerMillion=1.25,outputPerMillion=10</c> — the JSON fields of a target, as
/// <c>key=value</c> pairs. It becomes the same JSON the HTTP API takes, so the gateway library checks both alike.
/// </summary>
internal static class AliasTargetSpec
{
    private static readonly string[] PriceKeys = ["inputPerMillion", "cachedInputPerMillion", "outputPerMillion"];

    public static JsonObject? Read(string text, int index, List<string> problems)
    {
        var target = new JsonObject();
        JsonObject? price = null;
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add($"--target #{index + 1}: '{pair}' is not key=value.");
                return null;
            }

            var key = pair[..equals].Trim();
            var value = pair[(equals + 1)..].Trim();
            JsonNode? node = key switch
            {
                "enabled" when bool.TryParse(value, out var b) => JsonValue.Create(b),
                "priority" or "weight" when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
                _ when Array.IndexOf(PriceKeys, key) >= 0 && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                _ => JsonValue.Create(value),
            };
            if (Array.IndexOf(PriceKeys, key) >= 0)
            {
                price ??= [];
                price[key] = node;
            }
            else if (target.ContainsKey(key))
            {
                problems.Add($"--target #{index + 1}: '{key}' is given twice.");
                return null;
            }
            else
            {
                target[key] = node;
            }
        }

        if (price is not null)
        {
            target["price"] = price;
        }

        return target;
    }
}
