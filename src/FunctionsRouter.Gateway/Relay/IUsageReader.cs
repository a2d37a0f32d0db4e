using System.Text.Json;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Picks what the gateway records (usage, the upstream's model name, finish reasons) out of one API's response JSON,
/// token by token, as it passes to the caller. One implementation per wire format.
/// </summary>
internal interface IUsageReader
{
    /// <summary>The last usage seen.</summary>
    TokenUsage Usage { get; }

    /// <summary>The upstream's <c>model</c> (the first one seen).</summary>
    string? ResponseModel { get; }

    /// <summary>Distinct finish reasons (chat) or final statuses (Responses), in order of appearance.</summary>
    IReadOnlyList<string> FinishReasons { get; }

    /// <summary>Starts a new JSON value (a new stream event).</summary>
    void BeginValue();

    /// <summary>Consumes every token <paramref name="reader"/> can read.</summary>
    /// <exception cref="JsonException">The JSON is malformed.</exception>
    void Read(ref Utf8JsonReader reader);
}
