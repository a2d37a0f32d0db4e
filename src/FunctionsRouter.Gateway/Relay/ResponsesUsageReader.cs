using System.Text.Json;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Reads a Responses API response object — the whole body of a non-streamed call, or the <c>response</c> member of a
/// stream event — for its <c>id</c>, <c>model</c>, <c>status</c> and <c>usage</c> (<c>input_tokens</c>,
/// <c>output_tokens</c>, <c>total_tokens</c>, <c>input_tokens_details.cached_tokens</c>,
/// <c>output_tokens_details.reasoning_tokens</c>). For stream events it also reads the top-level <c>type</c> and
/// <c>sequence_number</c>. Keeps only its position, never the document.
/// </summary>
/// <param name="streamEvents">Values are stream events (the response is their <c>response</c> member), not a response.</param>
/// <param name="responseIdSeen">Called once, with the response id, as soon as it is read (before those bytes are relayed).</param>
internal sealed class ResponsesUsageReader(bool streamEvents, Action<string>? responseIdSeen = null) : IUsageReader
{
    // Depth of the response object's own properties: 1 in a body, 2 under an event's "response".
    private readonly int _depth = streamEvents ? 2 : 1;
    private Property _eventProperty;
    private Property _responseProperty;
    private Property _usageProperty;
    private Property _detailProperty;
    private bool _inResponse = !streamEvents;
    private bool _inUsage;
    private bool _inDetails;
    private FinishReasonList _statuses;

    public TokenUsage Usage { get; private set; }

    public string? ResponseModel { get; private set; }

    /// <summary>The response's final statuses (<c>completed</c>, <c>incomplete</c>, <c>failed</c>), as finish reasons.</summary>
    public IReadOnlyList<string> FinishReasons => _statuses.Items;

    /// <summary>The response's <c>id</c> (the first one seen).</summary>
    public string? ResponseId { get; private set; }

    /// <summary>The current event is <c>response.completed</c>, <c>response.incomplete</c>, <c>response.failed</c> or <c>error</c>: the stream is over.</summary>
    public bool IsTerminalEvent { get; private set; }

    /// <summary>The highest <c>sequence_number</c> seen, or -1.</summary>
    public long SequenceNumber { get; set; } = -1;

    public void BeginValue()
    {
        _eventProperty = Property.None;
        _responseProperty = Property.None;
        _usageProperty = Property.None;
        _detailProperty = Property.None;
        _inResponse = !streamEvents;
        _inUsage = false;
        _inDetails = false;
        IsTerminalEvent = false;
    }

    public void Read(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            var depth = reader.CurrentDepth;
            if (streamEvents && depth == 1 && !_inResponse)
            {
                ReadEventToken(ref reader);
                continue;
            }

            if (!_inResponse)
            {
                continue;
            }

            if (depth == _depth - 1 && reader.TokenType == JsonTokenType.EndObject)
            {
                // The end of the event's "response" (a body's own end needs nothing).
                _inResponse = !streamEvents;
                continue;
            }

            if (depth == _depth)
            {
                ReadResponseToken(ref reader);
            }
            else if (_inUsage && depth == _depth + 1)
            {
                ReadUsageToken(ref reader);
            }
            else if (_inDetails && depth == _depth + 2)
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    _detailProperty = reader.ValueTextEquals("cached_tokens"u8) && _usageProperty == Property.InputDetails ? Property.CachedTokens
                        : reader.ValueTextEquals("reasoning_tokens"u8) && _usageProperty == Property.OutputDetails ? Property.ReasoningTokens
                        : Property.None;
                }
                else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var count))
                {
                    Usage = _detailProperty switch
                    {
                        Property.CachedTokens => Usage with { CachedTokens = count },
                        Property.ReasoningTokens => Usage with { ReasoningTokens = count },
                        _ => Usage,
                    };
                }
            }
        }
    }

    private void ReadEventToken(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName:
                _eventProperty = reader.ValueTextEquals("type"u8) ? Property.Type
                    : reader.ValueTextEquals("sequence_number"u8) ? Property.SequenceNumber
                    : reader.ValueTextEquals("response"u8) ? Property.Response
                    : Property.None;
                break;
            case JsonTokenType.String when _eventProperty == Property.Type:
                IsTerminalEvent = reader.ValueTextEquals("response.completed"u8) || reader.ValueTextEquals("response.incomplete"u8)
                    || reader.ValueTextEquals("response.failed"u8) || reader.ValueTextEquals("error"u8);
                break;
            case JsonTokenType.Number when _eventProperty == Property.SequenceNumber:
                if (reader.TryGetInt64(out var sequence) && sequence > SequenceNumber)
                {
                    SequenceNumber = sequence;
                }

                break;
            case JsonTokenType.StartObject when _eventProperty == Property.Response:
                _inResponse = true;
                break;
        }
    }

    private void ReadResponseToken(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName:
                _responseProperty = reader.ValueTextEquals("id"u8) ? Property.Id
                    : reader.ValueTextEquals("model"u8) ? Property.Model
                    : reader.ValueTextEquals("status"u8) ? Property.Status
                    : reader.ValueTextEquals("usage"u8) ? Property.Usage
                    : Property.None;
                break;
            case JsonTokenType.String when _responseProperty == Property.Id && ResponseId is null:
                ResponseId = UsageJsonReader.ReadString(ref reader);
                responseIdSeen?.Invoke(ResponseId);
                break;
            case JsonTokenType.String when _responseProperty == Property.Model && ResponseModel is null:
                ResponseModel = ModelNames.Read(ref reader);
                break;
            case JsonTokenType.String when _responseProperty == Property.Status:
                if (reader.ValueTextEquals("completed"u8) || reader.ValueTextEquals("incomplete"u8) || reader.ValueTextEquals("failed"u8)
                    || reader.ValueTextEquals("cancelled"u8))
                {
                    _statuses.Add(ref reader);
                }

                break;
            case JsonTokenType.StartObject when _responseProperty == Property.Usage:
                _inUsage = true;
                Usage = default;
                break;
            case JsonTokenType.EndObject when _inUsage:
                _inUsage = false;
                break;
        }
    }

    private void ReadUsageToken(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName:
                _usageProperty = reader.ValueTextEquals("input_tokens"u8) ? Property.InputTokens
                    : reader.ValueTextEquals("output_tokens"u8) ? Property.OutputTokens
                    : reader.ValueTextEquals("total_tokens"u8) ? Property.TotalTokens
                    : reader.ValueTextEquals("input_tokens_details"u8) ? Property.InputDetails
                    : reader.ValueTextEquals("output_tokens_details"u8) ? Property.OutputDetails
                    : Property.None;
                break;
            case JsonTokenType.Number when reader.TryGetInt32(out var count):
                Usage = _usageProperty switch
                {
                    Property.InputTokens => Usage with { PromptTokens = count },
                    Property.OutputTokens => Usage with { CompletionTokens = count },
                    Property.TotalTokens => Usage with { TotalTokens = count },
                    _ => Usage,
                };
                break;
            case JsonTokenType.StartObject when _usageProperty is Property.InputDetails or Property.OutputDetails:
                _inDetails = true;
                break;
            case JsonTokenType.EndObject when _inDetails:
                _inDetails = false;
                break;
        }
    }

    private enum Property
    {
        None,
        Type,
        SequenceNumber,
        Response,
        Id,
        Model,
        Status,
        Usage,
        InputTokens,
        OutputTokens,
        TotalTokens,
        InputDetails,
        OutputDetails,
        CachedTokens,
        ReasoningTokens,
    }
}
