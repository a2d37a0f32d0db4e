using System.Text.Json;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Distinct finish reasons (or a Responses answer's final statuses), in order of appearance, read from the string the
/// reader is on. The usual answer, one reason the APIs define, costs no allocation: it is recognised in its UTF-8 form
/// and returned as a shared one-element array (callers only read the list). Anything else is kept as read.
/// </summary>
internal struct FinishReasonList
{
    private static readonly string[][] Known =
    [
        ["stop"], ["length"], ["tool_calls"], ["content_filter"], ["function_call"],
        ["completed"], ["incomplete"], ["failed"], ["cancelled"],
    ];

    /// <summary>Null, a <see cref="Known"/> array (one reason), or a list (two or more, or one not known).</summary>
    private IReadOnlyList<string>? _reasons;

    public readonly IReadOnlyList<string> Items => _reasons ?? [];

    /// <summary>Adds the string <paramref name="reader"/> is on, unless already there.</summary>
    /// <exception cref="JsonException">The string is not valid UTF-8 or UTF-16.</exception>
    public void Add(ref Utf8JsonReader reader)
    {
        var known = FindKnown(ref reader);
        if (_reasons is null && known is not null)
        {
            _reasons = known;
            return;
        }

        var reason = known?[0] ?? UsageJsonReader.ReadString(ref reader);
        if (_reasons is not List<string> list)
        {
            list = _reasons is null ? [] : [.. _reasons];
            _reasons = list;
        }

        if (!list.Contains(reason))
        {
            list.Add(reason);
        }
    }

    private static string[]? FindKnown(ref Utf8JsonReader reader)
    {
        foreach (var candidate in Known)
        {
            if (reader.ValueTextEquals(candidate[0]))
            {
                return candidate;
            }
        }

        return null;
    }
}
