using System.Text.Json;
using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// Reads and checks an alias definition (<see cref="AliasDefinition"/>) before anything is written, naming every bad
/// field at once: the target list's size (1 to <see cref="AliasRoute.MaxTargets"/>), each target's name (key-safe,
/// unique), deployment (non-empty), endpoint (one of settings'), enabled (boolean), priority (a whole number), weight
/// (a whole number of zero or more), price (three numbers from 0 to 1,000,000, together or not at all, as the gateway
/// reads them), and no field the gateway would not read.
/// </summary>
internal static class AliasDefinitionReader
{
    public const int MaxTargetNameLength = 64;
    public const decimal MaxPrice = 1_000_000m;

    private static readonly string[] TargetFields = ["name", "deployment", "endpoint", "enabled", "priority", "weight", "price"];
    private static readonly string[] PriceFields = ["inputPerMillion", "cachedInputPerMillion", "outputPerMillion"];

    /// <summary>A target name: 1 to 64 ASCII letters, digits, <c>-</c>, <c>_</c> or <c>.</c> (always a valid RowKey, never the version row's).</summary>
    public static bool IsValidTargetName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxTargetNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads <c>{"targets":[…]}</c>; each problem is added to <paramref name="problems"/> as <c>field: what is wrong</c>.</summary>
    /// <param name="body">The definition's JSON.</param>
    /// <param name="endpoints">The endpoints defined in settings; <see langword="null"/> when they are not known (the command line without them), and endpoint names are then only checked for syntax.</param>
    /// <param name="problems">Where problems are added.</param>
    public static IReadOnlyList<AliasTargetView>? Read(JsonElement body, IReadOnlyCollection<string>? endpoints, List<string> problems)
    {
        var before = problems.Count;
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add("body: must be a JSON object {\"targets\":[…]}");
            return null;
        }

        foreach (var property in body.EnumerateObject())
        {
            if (property.Name != "targets")
            {
                problems.Add($"{Shown(property.Name)}: unknown field (only targets)");
            }
        }

        if (!body.TryGetProperty("targets", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            problems.Add("targets: must be an array of 1 to 64 targets");
            return null;
        }

        var count = list.GetArrayLength();
        if (count is < 1 or > AliasRoute.MaxTargets)
        {
            problems.Add($"targets: must hold 1 to {AliasRoute.MaxTargets} targets; got {count}");
        }

        var targets = new List<AliasTargetView>(Math.Min(count, AliasRoute.MaxTargets));
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var target = ReadTarget(item, $"targets[{index}]", endpoints, names, problems);
            if (target is not null)
            {
                targets.Add(target);
            }

            index++;
        }

        return problems.Count > before ? null : targets;
    }

    private static AliasTargetView? ReadTarget(JsonElement item, string at, IReadOnlyCollection<string>? endpoints, HashSet<string> names, List<string> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}: must be an object");
            return null;
        }

        var before = problems.Count;
        foreach (var property in item.EnumerateObject())
        {
            if (Array.IndexOf(TargetFields, property.Name) < 0)
            {
                problems.Add($"{at}.{Shown(property.Name)}: unknown field (one of {string.Join(", ", TargetFields)})");
            }
        }

        var name = String(item, "name");
        if (name is null || !IsValidTargetName(name))
        {
            problems.Add($"{at}.name: must be 1 to {MaxTargetNameLength} letters, digits, '-', '_' or '.'; got {Describe(item, "name")}");
        }
        else if (!names.Add(name))
        {
            problems.Add($"{at}.name: '{name}' names another target of this alias too (names are unique, ignoring case)");
        }

        var deployment = String(item, "deployment")?.Trim();
        if (string.IsNullOrEmpty(deployment) || deployment.Length > 256 || deployment.Any(char.IsControl))
        {
            problems.Add($"{at}.deployment: must be a non-empty string of at most 256 characters; got {Describe(item, "deployment")}");
        }

        var endpoint = AliasRowReader.DefaultEndpoint;
        if (item.TryGetProperty("endpoint", out var e))
        {
            endpoint = e.ValueKind == JsonValueKind.String ? e.GetString()!.Trim() : string.Empty;
            if (!IsValidTargetName(endpoint))
            {
                problems.Add($"{at}.endpoint: must be the name of an endpoint in settings; got {Describe(item, "endpoint")}");
            }
            else if (endpoints is not null && !endpoints.Contains(endpoint, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{at}.endpoint: '{endpoint}' is not an endpoint in settings (one of {string.Join(", ", endpoints.Order(StringComparer.Ordinal))})");
            }
        }
        else if (endpoints is not null && !endpoints.Contains(endpoint, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"{at}.endpoint: absent, so '{endpoint}', which is not an endpoint in settings (one of {string.Join(", ", endpoints.Order(StringComparer.Ordinal))})");
        }

        var enabled = true;
        if (item.TryGetProperty("enabled", out var en))
        {
            if (en.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                enabled = en.GetBoolean();
            }
            else
            {
                problems.Add($"{at}.enabled: must be true or false; got {Describe(item, "enabled")}");
            }
        }

        var priority = WholeNumber(item, "priority", at, 0, int.MinValue, problems);
        var weight = WholeNumber(item, "weight", at, 1, 0, problems);
        var price = Price(item, at, problems);

        return problems.Count > before ? null : new AliasTargetView(name!, deployment!, endpoint, enabled, priority, weight, price);
    }

    private static int WholeNumber(JsonElement item, string field, string at, int fallback, int min, List<string> problems)
    {
        if (!item.TryGetProperty(field, out var value))
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min)
        {
            return number;
        }

        problems.Add(min == 0
            ? $"{at}.{field}: must be a whole number of zero or more; got {Describe(item, field)}"
            : $"{at}.{field}: must be a whole number; got {Describe(item, field)}");
        return fallback;
    }

    private static TargetPrice? Price(JsonElement item, string at, List<string> problems)
    {
        if (!item.TryGetProperty("price", out var price) || price.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (price.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}.price: must be an object {{\"inputPerMillion\",\"cachedInputPerMillion\",\"outputPerMillion\"}} or null");
            return null;
        }

        var before = problems.Count;
        foreach (var property in price.EnumerateObject())
        {
            if (Array.IndexOf(PriceFields, property.Name) < 0)
            {
                problems.Add($"{at}.price.{Shown(property.Name)}: unknown field (one of {string.Join(", ", PriceFields)})");
            }
        }

        var values = new decimal[PriceFields.Length];
        for (var i = 0; i < PriceFields.Length; i++)
        {
            if (!price.TryGetProperty(PriceFields[i], out var value) || value.ValueKind != JsonValueKind.Number
                || !value.TryGetDecimal(out values[i]) || values[i] < 0 || values[i] > MaxPrice)
            {
                problems.Add($"{at}.price.{PriceFields[i]}: must be a number from 0 to 1000000 (all three prices together); got {Describe(price, PriceFields[i])}");
            }
        }

        return problems.Count > before ? null : new TargetPrice(values[0], values[1], values[2]);
    }

    private static string? String(JsonElement item, string field) =>
        item.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Describe(JsonElement item, string field)
    {
        if (!item.TryGetProperty(field, out var value))
        {
            return "nothing";
        }

        var text = value.GetRawText();
        return text.Length > 60 ? string.Concat(text.AsSpan(0, 60), "…") : text;
    }

    private static string Shown(string name) => name.Length > 40 ? string.Concat(name.AsSpan(0, 40), "…") : name;
}
