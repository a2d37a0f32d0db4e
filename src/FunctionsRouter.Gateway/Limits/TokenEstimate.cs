using System.Text.Json;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// The tokens a request is counted for when it is admitted, before the upstream says (README, "Limits"): the prompt is
/// every string value of the body, UTF-8 bytes ÷ 4 rounded up, except an image or file (a <c>data:</c> URL, or a member
/// named <c>url</c>, <c>image_url</c>, <c>file_data</c> or <c>file_url</c>), which counts a fixed
/// <see cref="ImageTokens"/>; a number inside an array (token ids given as <c>input</c>) counts one. To it is added the
/// most the answer may hold: <c>max_tokens</c>, <c>max_completion_tokens</c> or <c>max_output_tokens</c>, or when none
/// is given <c>Router__Limits__DefaultOutputTokens</c> (embeddings: nothing). One pass over the bytes, no allocation.
/// </summary>
internal static class TokenEstimate
{
    /// <summary>What one image or file counts for: about a high-detail 1024×1024 image.</summary>
    public const int ImageTokens = 1_000;

    public static long Of(ReadOnlySpan<byte> body, GatewayOperation operation, long defaultOutputTokens)
    {
        long promptBytes = 0;
        long counted = 0;
        long? output = null;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        var fileMember = false;
        var outputMember = false;
        var arrayDepth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        fileMember = reader.ValueTextEquals("url"u8) || reader.ValueTextEquals("image_url"u8) || reader.ValueTextEquals("file_data"u8) || reader.ValueTextEquals("file_url"u8);
                        outputMember = reader.CurrentDepth == 1
                            && (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8) || reader.ValueTextEquals("max_output_tokens"u8));
                        break;
                    case JsonTokenType.String:
                        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                        if (fileMember || (length >= 5 && reader.ValueSpan.StartsWith("data:"u8)))
                        {
                            counted += ImageTokens;
                        }
                        else
                        {
                            promptBytes += length;
                        }

                        fileMember = outputMember = false;
                        break;
                    case JsonTokenType.Number:
                        if (outputMember && reader.TryGetInt64(out var max) && max > 0)
                        {
                            output = Math.Max(output ?? 0, max);
                        }
                        else if (arrayDepth > 0)
                        {
                            counted++;
                        }

                        fileMember = outputMember = false;
                        break;
                    case JsonTokenType.StartArray:
                        arrayDepth++;
                        break;
                    case JsonTokenType.EndArray:
                        arrayDepth--;
                        break;
                    default:
                        fileMember = outputMember = false;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // The body was parsed before; a surprise here counts what was read so far.
        }

        var outputTokens = output ?? (operation == GatewayOperation.Embeddings ? 0 : defaultOutputTokens);
        return ((promptBytes + 3) / 4) + counted + outputTokens;
    }
}
