using System.Globalization;
using System.Text.Json;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Limits;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// Reads the JSON bodies of the caller routes with the caller table's own rules (<see cref="CallerTable"/>,
/// <see cref="AliasAccess"/>), naming every bad field at once in one 400 <c>invalid_caller</c>.
/// </summary>
internal static class CallerBodyReader
{
    /// <summary>The longest grace a rotation may give the old keys (as the command line's <c>--grace</c>).</summary>
    public static readonly TimeSpan MaxGrace = TimeSpan.FromDays(365);

    /// <summary><c>{"name", "aliases"?, "expiresAt"?, "admin"?}</c>.</summary>
    public static (string Name, AliasAccess Aliases, DateTimeOffset? ExpiresAt, bool Admin) ReadCreate(JsonElement body)
    {
        var problems = new List<string>();
        RequireObject(body, ["name", "aliases", "expiresAt", "admin"], problems);
        var change = ReadFields(body, problems);
        if (change.Name is null && problems.Count == 0)
        {
            problems.Add("name: required");
        }

        Throw(problems);
        return (change.Name!, change.Aliases ?? AliasAccess.None, change.ExpiresAt, change.Admin ?? false);
    }

    /// <summary><c>{"name"?, "aliases"?, "expiresAt"? (null: never), "admin"?, "enabled"?, "limits"?}</c>; at least one.</summary>
    public static CallerChange ReadUpdate(JsonElement body)
    {
        var problems = new List<string>();
        RequireObject(body, ["name", "aliases", "expiresAt", "admin", "enabled", "limits"], problems);
        var change = ReadFields(body, problems) with { Limits = ReadLimits(body, problems) };
        if (problems.Count == 0 && change == new CallerChange(null, null, null, false, null, null))
        {
            problems.Add("body: give at least one of name, aliases, expiresAt, admin, enabled, limits");
        }

        Throw(problems);
        return change;
    }

    /// <summary>An optional <c>{"graceSeconds"}</c>: how long the earlier keys keep working (0 to 365 days; default 0).</summary>
    public static TimeSpan ReadRotate(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Undefined)
        {
            return TimeSpan.Zero;
        }

        var problems = new List<string>();
        RequireObject(body, ["graceSeconds"], problems);
        var grace = TimeSpan.Zero;
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("graceSeconds", out var value))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds >= 0 && seconds <= (long)MaxGrace.TotalSeconds)
            {
                grace = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                problems.Add($"graceSeconds: must be a whole number of seconds from 0 to {(long)MaxGrace.TotalSeconds}");
            }
        }

        Throw(problems);
        return grace;
    }

    public static void CheckId(string id)
    {
        if (!CallerTable.IsValidId(id))
        {
            throw new ManagementException(GatewayErrorCode.InvalidCaller, $"id: must be 1 to {CallerTable.MaxIdLength} letters, digits, '-', '_' or '.'.", "id");
        }
    }

    private static void RequireObject(JsonElement body, string[] fields, List<string> problems)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add("body: must be a JSON object");
            return;
        }

        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(fields, property.Name) < 0)
            {
                problems.Add($"{(property.Name.Length > 40 ? property.Name[..40] + "…" : property.Name)}: unknown field (one of {string.Join(", ", fields)})");
            }
        }
    }

    private static CallerChange ReadFields(JsonElement body, List<string> problems)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new CallerChange(null, null, null, false, null, null);
        }

        string? name = null;
        if (body.TryGetProperty("name", out var n))
        {
            name = n.ValueKind == JsonValueKind.String ? n.GetString()!.Trim() : null;
            if (name is null || !CallerTable.IsValidName(name))
            {
                problems.Add($"name: must be 1 to {CallerTable.MaxNameLength} characters without control characters");
                name = null;
            }
        }

        AliasAccess? aliases = null;
        if (body.TryGetProperty("aliases", out var a))
        {
            string? text = a.ValueKind switch
            {
                JsonValueKind.String => a.GetString(),
                JsonValueKind.Array when a.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String) =>
                    string.Join(',', a.EnumerateArray().Select(item => item.GetString())),
                _ => null,
            };
            if (text is null)
            {
                problems.Add("aliases: must be \"*\", a comma-separated string, or an array of alias names");
            }
            else if (AliasAccess.TryParse(text, out var access, out var problem))
            {
                aliases = access;
            }
            else
            {
                problems.Add("aliases: " + problem);
            }
        }

        DateTimeOffset? expires = null;
        var clears = false;
        if (body.TryGetProperty("expiresAt", out var e))
        {
            if (e.ValueKind == JsonValueKind.Null)
            {
                clears = true;
            }
            else if (e.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                expires = parsed.ToUniversalTime();
            }
            else
            {
                problems.Add("expiresAt: must be an ISO 8601 date or time (UTC unless it says otherwise), or null");
            }
        }

        return new CallerChange(name, aliases, expires, clears, Bool(body, "admin", problems), Bool(body, "enabled", problems));
    }

    /// <summary><c>"limits"</c>: the stored form (<see cref="CallerLimits"/>), replacing the caller's whole; <c>{}</c> or null removes them.</summary>
    private static CallerLimits? ReadLimits(JsonElement body, List<string> problems)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("limits", out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return CallerLimits.None;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add("limits: must be an object such as {\"rpm\":60,\"aliases\":{\"gpt-4o\":{\"tpm\":1000}}}, or null");
        }
        else if (CallerLimits.TryParse(value.GetRawText(), out var limits, out var problem))
        {
            return limits;
        }
        else
        {
            problems.Add("limits: " + problem);
        }

        return null;
    }

    private static bool? Bool(JsonElement body, string field, List<string> problems)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        problems.Add($"{field}: must be true or false");
        return null;
    }

    private static void Throw(List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new ManagementException(GatewayErrorCode.InvalidCaller, "The caller is not valid: " + string.Join("; ", problems) + ".");
        }
    }
}
