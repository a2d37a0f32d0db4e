using System.Text.Json;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Picks the usage (<c>usage.prompt_tokens</c>, <c>completion_tokens</c>, <c>total_tokens</c>, and the
/// <c>prompt_tokens_details.cached_tokens</c> and <c>completion_tokens_details.reasoning_tokens</c> that price the
/// request's cached input and that the Responses API's rows carry too), the response
/// <c>model</c>, the number of <c>choices</c> and their <c>finish_reason</c>s out of a response or a stream chunk, token
/// by token. Works on a whole JSON value and, with <see cref="JsonReaderState"/> carried by the caller, on one that
/// arrives in pieces; it keeps only its position, never the document.
/// </summary>
internal sealed class UsageJsonReader : IUsageReader
{
    private Property _topProperty;
    private Property _usageProperty;
    private Property _detailsObject;
    private Property _detailProperty;
    private bool _inUsage;
    private bool _inChoices;
    private bool _usageSeenInValue;
    private FinishReasonList _finishReasons;

    /// <summary>The last usage seen (a stream's final chunk carries it).</summary>
    public TokenUsage Usage { get; private set; }

    /// <summary>The upstream's <c>model</c> (the first one seen).</summary>
    public string? ResponseModel { get; private set; }

    /// <summary>Distinct finish reasons, in order of appearance.</summary>
    public IReadOnlyList<string> FinishReasons => _finishReasons.Items;

    /// <summary>How many choices the current value has (for a stream: the current chunk).</summary>
    public int ChoicesInValue { get; private set; }

    /// <summary>Whether the current value had a non-null <c>usage</c> object.</summary>
    public bool UsageInValue => _usageSeenInValue;

    /// <summary>Starts a new JSON value (a new stream chunk).</summary>
    public void BeginValue()
    {
        _topProperty = Property.None;
        _usageProperty = Property.None;
        _detailsObject = Property.None;
        _inUsage = false;
        _inChoices = false;
        _usageSeenInValue = false;
        ChoicesInValue = 0;
    }

    /// <summary>Consumes every token <paramref name="reader"/> can read.</summary>
    /// <exception cref="JsonException">The JSON is malformed.</exception>
    public void Read(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            var depth = reader.CurrentDepth;
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName when depth == 1:
                    _topProperty = reader.ValueTextEquals("usage"u8) ? Property.Usage
                        : reader.ValueTextEquals("choices"u8) ? Property.Choices
                        : reader.ValueTextEquals("model"u8) ? Property.Model
                        : Property.None;
                    break;
                case JsonTokenType.StartObject when depth == 1 && _topProperty == Property.Usage:
                    _inUsage = true;
                    _usageSeenInValue = true;
                    Usage = default;
                    break;
                case JsonTokenType.EndObject when depth == 1 && _inUsage:
                    _inUsage = false;
                    break;
                case JsonTokenType.StartArray when depth == 1 && _topProperty == Property.Choices:
                    _inChoices = true;
                    break;
                case JsonTokenType.EndArray when depth == 1 && _inChoices:
                    _inChoices = false;
                    break;
                case JsonTokenType.StartObject when depth == 2 && _inChoices:
                    ChoicesInValue++;
                    break;
                case JsonTokenType.PropertyName when depth == 2 && _inUsage:
                    _usageProperty = reader.ValueTextEquals("prompt_tokens"u8) ? Property.PromptTokens
                        : reader.ValueTextEquals("completion_tokens"u8) ? Property.CompletionTokens
                        : reader.ValueTextEquals("total_tokens"u8) ? Property.TotalTokens
                        : reader.ValueTextEquals("prompt_tokens_details"u8) ? Property.PromptDetails
                        : reader.ValueTextEquals("completion_tokens_details"u8) ? Property.CompletionDetails
                        : Property.None;
                    _detailProperty = Property.None;
                    break;
                case JsonTokenType.StartObject when depth == 2 && _inUsage:
                    _detailsObject = _usageProperty;
                    _detailProperty = Property.None;
                    break;
                case JsonTokenType.EndObject when depth == 2 && _inUsage:
                    _detailsObject = Property.None;
                    break;
                case JsonTokenType.PropertyName when depth == 3 && _inUsage:
                    _detailProperty = _detailsObject == Property.PromptDetails && reader.ValueTextEquals("cached_tokens"u8) ? Property.CachedTokens
                        : _detailsObject == Property.CompletionDetails && reader.ValueTextEquals("reasoning_tokens"u8) ? Property.ReasoningTokens
                        : Property.None;
                    break;
                case JsonTokenType.Number when depth == 3 && _inUsage && _detailProperty != Property.None:
                    if (reader.TryGetInt32(out var detail))
                    {
                        Usage = _detailProperty == Property.CachedTokens ? Usage with { CachedTokens = detail } : Usage with { ReasoningTokens = detail };
                    }

                    break;
                case JsonTokenType.PropertyName when depth == 3 && _inChoices:
                    _usageProperty = reader.ValueTextEquals("finish_reason"u8) ? Property.FinishReason : Property.None;
                    break;
                case JsonTokenType.Number when depth == 2 && _inUsage:
                    if (reader.TryGetInt32(out var count))
                    {
                        Usage = _usageProperty switch
                        {
                            Property.PromptTokens => Usage with { PromptTokens = count },
                            Property.CompletionTokens => Usage with { CompletionTokens = count },
                            Property.TotalTokens => Usage with { TotalTokens = count },
                            _ => Usage,
                        };
                    }

                    break;
                case JsonTokenType.String when depth == 3 && _inChoices && _usageProperty == Property.FinishReason:
                    _finishReasons.Add(ref reader);
                    break;
                case JsonTokenType.String when depth == 1 && _topProperty == Property.Model && ResponseModel is null:
                    ResponseModel = ModelNames.Read(ref reader);
                    break;
            }
        }
    }

    /// <summary>
    /// <see cref="Utf8JsonReader.GetString"/>, reporting invalid UTF-8 or a lone surrogate escape (which it throws
    /// <see cref="InvalidOperationException"/> for) as the malformed JSON it is.
    /// </summary>
    internal static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("A string in the JSON is not valid UTF-8 or UTF-16.", ex);
        }
    }

    private enum Property
    {
        None,
        Usage,
        Choices,
        Model,
        PromptTokens,
        CompletionTokens,
        TotalTokens,
        PromptDetails,
        CompletionDetails,
        CachedTokens,
        ReasoningTokens,
        FinishReason,
    }
}
