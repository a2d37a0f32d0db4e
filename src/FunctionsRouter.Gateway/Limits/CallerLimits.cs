using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// A caller's limits as its row holds them (column <c>Limits</c>): its own, and per alias, checked in addition.
/// Stored as JSON, <c>{"rpm":60,"tpm":40000,"tokensPerDay":1000000,"tokensPerMonth":20000000,"aliases":{"gpt-4o":{"rpm":10}}}</c>,
/// every member optional. Read strictly: an unknown member, a value that is not a positive whole number or a bad alias
/// name makes the row unusable (the caller is refused), never unlimited.
/// </summary>
public sealed class CallerLimits
{
    private const int MaxAliases = 100;

    private CallerLimits(LimitSet own, FrozenDictionary<string, LimitSet> aliases)
    {
        Own = own;
        Aliases = aliases;
    }

    /// <summary>No limits at all.</summary>
    public static CallerLimits None { get; } = new(LimitSet.None, FrozenDictionary<string, LimitSet>.Empty);

    /// <summary>The limits on all of the caller's requests.</summary>
    public LimitSet Own { get; }

    /// <summary>The limits on its use of one alias (matched case-insensitively, as the catalog matches).</summary>
    public FrozenDictionary<string, LimitSet> Aliases { get; }

    public bool IsEmpty => Own.IsEmpty && Aliases.Count == 0;

    /// <summary>Whether some limit that applies to a request for <paramref name="alias"/> counts tokens.</summary>
    public bool CountsTokens(string alias) => Own.CountsTokens || (Aliases.TryGetValue(alias, out var forAlias) && forAlias.CountsTokens);

    /// <summary>These limits with <paramref name="alias"/>'s (or, when none, the caller's own) replaced; an alias left with none is dropped.</summary>
    public CallerLimits With(string? alias, LimitSet limits)
    {
        if (alias is null)
        {
            return new CallerLimits(limits, Aliases);
        }

        var aliases = Aliases.Where(p => !string.Equals(p.Key, alias, StringComparison.OrdinalIgnoreCase)).ToDictionary(StringComparer.OrdinalIgnoreCase);
        if (!limits.IsEmpty)
        {
            aliases[alias] = limits;
        }

        return new CallerLimits(Own, aliases.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Reads the column; empty or absent means no limits.</summary>
    public static bool TryParse(string? text, out CallerLimits limits, out string? problem)
    {
        limits = None;
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = "the Limits column is not a JSON object";
                return false;
            }

            var own = LimitSet.None;
            var aliases = new Dictionary<string, LimitSet>(StringComparer.OrdinalIgnoreCase);
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (member.Name == "aliases")
                {
                    if (!TryReadAliases(member.Value, aliases, out problem))
                    {
                        return false;
                    }

                    continue;
                }

                if (!TryReadMember(member, ref own, out problem))
                {
                    return false;
                }
            }

            limits = own.IsEmpty && aliases.Count == 0 ? None : new CallerLimits(own, aliases.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
            return true;
        }
        catch (JsonException)
        {
            problem = "the Limits column is not valid JSON";
            return false;
        }
    }

    /// <summary>The stored form (members sorted, absent limits left out); empty for no limits.</summary>
    public override string ToString()
    {
        if (IsEmpty)
        {
            return string.Empty;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteJson(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes <c>{"rpm":…,"tpm":…,"tokensPerDay":…,"tokensPerMonth":…,"aliases":{…}}</c>, nulls included, for the command line and the management API.</summary>
    public void WriteJson(Utf8JsonWriter writer, bool includeNulls = false)
    {
        writer.WriteStartObject();
        WriteSet(writer, Own, includeNulls);
        if (Aliases.Count > 0 || includeNulls)
        {
            writer.WriteStartObject("aliases");
            foreach (var (alias, set) in Aliases.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                writer.WriteStartObject(alias);
                WriteSet(writer, set, includeNulls);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteSet(Utf8JsonWriter writer, LimitSet set, bool includeNulls)
    {
        Write(writer, "rpm", set.Rpm, includeNulls);
        Write(writer, "tpm", set.Tpm, includeNulls);
        Write(writer, "tokensPerDay", set.TokensPerDay, includeNulls);
        Write(writer, "tokensPerMonth", set.TokensPerMonth, includeNulls);
    }

    private static void Write(Utf8JsonWriter writer, string name, long? value, bool includeNulls)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else if (includeNulls)
        {
            writer.WriteNull(name);
        }
    }

    private static bool TryReadAliases(JsonElement value, Dictionary<string, LimitSet> aliases, out string? problem)
    {
        problem = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            problem = "the Limits column's aliases is not an object";
            return false;
        }

        foreach (var alias in value.EnumerateObject())
        {
            if (!AliasNames.IsValid(alias.Name) || aliases.ContainsKey(alias.Name) || aliases.Count >= MaxAliases)
            {
                problem = "the Limits column names a bad or repeated alias, or more than 100";
                return false;
            }

            if (alias.Value.ValueKind != JsonValueKind.Object)
            {
                problem = "the Limits column's limits for an alias are not an object";
                return false;
            }

            var set = LimitSet.None;
            foreach (var member in alias.Value.EnumerateObject())
            {
                if (!TryReadMember(member, ref set, out problem))
                {
                    return false;
                }
            }

            if (!set.IsEmpty)
            {
                aliases[alias.Name] = set;
            }
        }

        return true;
    }

    private static bool TryReadMember(JsonProperty member, ref LimitSet set, out string? problem)
    {
        problem = null;
        long? value = null;
        if (member.Value.ValueKind != JsonValueKind.Null)
        {
            if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetInt64(out var number) || number < 0)
            {
                problem = $"the Limits column's '{member.Name}' is not a whole number of zero or more";
                return false;
            }

            value = number == 0 ? null : number;
        }

        switch (member.Name)
        {
            case "rpm":
                set = set with { Rpm = value };
                return true;
            case "tpm":
                set = set with { Tpm = value };
                return true;
            case "tokensPerDay":
                set = set with { TokensPerDay = value };
                return true;
            case "tokensPerMonth":
                set = set with { TokensPerMonth = value };
                return true;
            default:
                problem = "the Limits column has an unknown member (known: rpm, tpm, tokensPerDay, tokensPerMonth, aliases)";
                return false;
        }
    }
}
