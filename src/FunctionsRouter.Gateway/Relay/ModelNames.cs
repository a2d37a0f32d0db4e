using System.Text.Json;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// The upstream's <c>model</c> as a string without allocating one per answer: a deployment answers with the same few
/// names over and over, so the last names read are kept (a small fixed table, each slot overwritten by the next name
/// that falls in it) and reused when the bytes match. Any other string is read as usual.
/// </summary>
internal static class ModelNames
{
    private const int MaxCachedLength = 128;
    private static readonly string?[] Recent = new string?[32];

    /// <exception cref="JsonException">The string is not valid UTF-8 or UTF-16.</exception>
    public static string Read(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length is 0 or > MaxCachedLength)
        {
            return UsageJsonReader.ReadString(ref reader);
        }

        var bytes = reader.ValueSpan;
        var slot = (int)((uint)(bytes.Length * 31 + bytes[^1] * 7 + bytes[bytes.Length / 2]) % (uint)Recent.Length);
        var cached = Volatile.Read(ref Recent[slot]);
        if (cached is not null && reader.ValueTextEquals(cached))
        {
            return cached;
        }

        var name = UsageJsonReader.ReadString(ref reader);
        Volatile.Write(ref Recent[slot], name);
        return name;
    }
}
