using System.Text.Json;
using System.Text.Unicode;
using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Gateway.Requests;

/// <summary>
/// Reads, in one forward pass and without building a document, the few top-level fields the gateway acts on:
/// <c>model</c>, <c>stream</c>, <c>stream_options</c>, <c>previous_response_id</c> (Responses), and checks <c>messages</c> (chat). Everything else is skipped unread,
/// after one vectorized check that the whole body is valid UTF-8 (<see cref="Utf8.IsValid(ReadOnlySpan{byte})"/>):
/// <see cref="Utf8JsonReader"/> checks only the strings it is asked to read, and the rest passes upstream as it is.
/// A field the gateway reads may appear once: JSON readers differ on which duplicate wins, and the upstream must see
/// what the gateway saw.
/// </summary>
internal static class RequestBodyParser
{
    public static GatewayError? TryParse(ReadOnlySpan<byte> body, GatewayOperation operation, out ParsedRequest parsed)
    {
        parsed = new ParsedRequest();
        var sawMessages = false;
        if (!Utf8.IsValid(body))
        {
            return new GatewayError(GatewayErrorCode.InvalidJson, "The request body is not valid UTF-8.");
        }

        var sawStream = false;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new GatewayError(GatewayErrorCode.InvalidJson, "The request body must be a JSON object.");
            }

            parsed.ObjectContentStart = (int)reader.TokenStartIndex + 1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                parsed.PropertyCount++;
                if (reader.ValueTextEquals("model"u8))
                {
                    if (parsed.ModelStart >= 0)
                    {
                        // Readers differ on which duplicate wins: the upstream must not see a deployment the alias did not name.
                        return Duplicate("model");
                    }

                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        parsed.Model = reader.GetString();
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return TypeError("model", "a string");
                    }

                    parsed.ModelStart = (int)reader.TokenStartIndex;
                    parsed.ModelEnd = (int)reader.BytesConsumed;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    if (sawStream)
                    {
                        return Duplicate("stream");
                    }

                    sawStream = true;
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    {
                        return TypeError("stream", "a boolean");
                    }

                    parsed.Stream = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    if (parsed.StreamOptionsStart >= 0)
                    {
                        // The rewrite splices one of them: two would reach the upstream as invalid or contradicting JSON.
                        return Duplicate("stream_options");
                    }

                    reader.Read();
                    var error = ReadStreamOptions(ref reader, parsed);
                    if (error is not null)
                    {
                        return error;
                    }
                }
                else if (operation == GatewayOperation.Responses && reader.ValueTextEquals("previous_response_id"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        parsed.PreviousResponseId = reader.GetString();
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return TypeError("previous_response_id", "a string");
                    }
                }
                else if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return TypeError("messages", "an array");
                    }

                    sawMessages = true;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Anything after the object (other than white space) makes Read throw.
            if (reader.Read())
            {
                return new GatewayError(GatewayErrorCode.InvalidJson, "The request body holds more than one JSON value.");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: GetString found invalid UTF-8 or a lone surrogate escape in 'model'.
            return new GatewayError(GatewayErrorCode.InvalidJson, $"The request body is not valid JSON: {ex.Message}");
        }

        if (operation == GatewayOperation.ChatCompletions && !sawMessages)
        {
            return new GatewayError(GatewayErrorCode.MissingField, "'messages' is required.", "messages");
        }

        if (operation == GatewayOperation.Embeddings)
        {
            // Embeddings do not stream; an embeddings body's stream flags are the upstream's business.
            parsed.Stream = false;
        }

        parsed.AddStreamUsage = operation == GatewayOperation.ChatCompletions && parsed.Stream && !parsed.CallerRequestedUsage;

        return null;
    }

    private static GatewayError? ReadStreamOptions(ref Utf8JsonReader reader, ParsedRequest parsed)
    {
        parsed.StreamOptionsStart = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.Null)
        {
            parsed.StreamOptionsIsNull = true;
            parsed.StreamOptionsEnd = (int)reader.BytesConsumed;
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return TypeError("stream_options", "an object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            parsed.StreamOptionsPropertyCount++;
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                if (parsed.IncludeUsageStart >= 0)
                {
                    return Duplicate("stream_options.include_usage");
                }

                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                {
                    return TypeError("stream_options.include_usage", "a boolean");
                }

                parsed.CallerRequestedUsage = reader.TokenType == JsonTokenType.True;
                parsed.IncludeUsageStart = (int)reader.TokenStartIndex;
                parsed.IncludeUsageEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Skip();
            }
        }

        parsed.StreamOptionsEnd = (int)reader.BytesConsumed;
        return null;
    }

    private static GatewayError Duplicate(string field) =>
        new(GatewayErrorCode.InvalidJson, $"'{field}' appears more than once.", field);

    private static GatewayError TypeError(string field, string expected) =>
        new(GatewayErrorCode.InvalidFieldType, $"'{field}' must be {expected}.", field);
}
