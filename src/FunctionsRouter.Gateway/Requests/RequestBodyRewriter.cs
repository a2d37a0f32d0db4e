namespace FunctionsRouter.Gateway.Requests;

/// <summary>
/// Rewrites a request body for one upstream target by splicing bytes: <c>model</c> becomes the deployment and, for a
/// stream, <c>stream_options.include_usage</c> becomes <see langword="true"/> (so usage is exact). Every other byte
/// the caller sent — tools, images, unknown parameters, number spellings, key order — passes unchanged.
/// </summary>
internal static class RequestBodyRewriter
{
    private static readonly byte[] ModelProperty = "\"model\":"u8.ToArray();
    private static readonly byte[] StreamOptionsWithUsage = "\"stream_options\":{\"include_usage\":true}"u8.ToArray();
    private static readonly byte[] UsageObject = "{\"include_usage\":true}"u8.ToArray();
    private static readonly byte[] IncludeUsageProperty = "\"include_usage\":true"u8.ToArray();
    private static readonly byte[] True = "true"u8.ToArray();
    private static readonly byte[] Comma = ","u8.ToArray();

    /// <summary>Writes the rewritten body into a new pooled buffer (the caller disposes it).</summary>
    public static PooledBuffer Rewrite(ReadOnlySpan<byte> body, ParsedRequest parsed, ReadOnlySpan<byte> deploymentJson)
    {
        // Splices in body order: at most one insertion at the object start and two replacements.
        Span<Splice> splices = stackalloc Splice[3];
        var count = 0;
        var inserted = 0;

        var addUsage = parsed.AddStreamUsage;
        var insertModel = parsed.ModelStart < 0;
        var insertStreamOptions = addUsage && parsed.StreamOptionsStart < 0;
        if (insertModel || insertStreamOptions)
        {
            splices[count++] = new Splice(parsed.ObjectContentStart, parsed.ObjectContentStart, SpliceKind.InsertAtObjectStart);
            inserted += (insertModel ? ModelProperty.Length + deploymentJson.Length + 1 : 0)
                + (insertStreamOptions ? StreamOptionsWithUsage.Length + 1 : 0);
        }

        if (!insertModel)
        {
            splices[count++] = new Splice(parsed.ModelStart, parsed.ModelEnd, SpliceKind.ReplaceModel);
            inserted += deploymentJson.Length;
        }

        if (addUsage && !insertStreamOptions)
        {
            if (parsed.StreamOptionsIsNull)
            {
                splices[count++] = new Splice(parsed.StreamOptionsStart, parsed.StreamOptionsEnd, SpliceKind.ReplaceStreamOptions);
                inserted += UsageObject.Length;
            }
            else if (parsed.IncludeUsageStart >= 0)
            {
                splices[count++] = new Splice(parsed.IncludeUsageStart, parsed.IncludeUsageEnd, SpliceKind.ReplaceIncludeUsage);
                inserted += True.Length;
            }
            else
            {
                splices[count++] = new Splice(parsed.StreamOptionsStart + 1, parsed.StreamOptionsStart + 1, SpliceKind.InsertIncludeUsage);
                inserted += IncludeUsageProperty.Length + 1;
            }
        }

        splices = splices[..count];
        splices.Sort(static (a, b) => a.Start.CompareTo(b.Start));

        var output = new PooledBuffer(body.Length + inserted);
        var destination = output.Array.AsSpan();
        var written = 0;
        var position = 0;
        foreach (var splice in splices)
        {
            Append(destination, ref written, body[position..splice.Start]);
            switch (splice.Kind)
            {
                case SpliceKind.InsertAtObjectStart:
                    var more = parsed.PropertyCount > 0;
                    if (insertModel)
                    {
                        Append(destination, ref written, ModelProperty);
                        Append(destination, ref written, deploymentJson);
                        if (insertStreamOptions || more)
                        {
                            Append(destination, ref written, Comma);
                        }
                    }

                    if (insertStreamOptions)
                    {
                        Append(destination, ref written, StreamOptionsWithUsage);
                        if (more)
                        {
                            Append(destination, ref written, Comma);
                        }
                    }

                    break;
                case SpliceKind.ReplaceModel:
                    Append(destination, ref written, deploymentJson);
                    break;
                case SpliceKind.ReplaceStreamOptions:
                    Append(destination, ref written, UsageObject);
                    break;
                case SpliceKind.ReplaceIncludeUsage:
                    Append(destination, ref written, True);
                    break;
                case SpliceKind.InsertIncludeUsage:
                    Append(destination, ref written, IncludeUsageProperty);
                    if (parsed.StreamOptionsPropertyCount > 0)
                    {
                        Append(destination, ref written, Comma);
                    }

                    break;
            }

            position = splice.End;
        }

        Append(destination, ref written, body[position..]);
        output.Length = written;
        return output;
    }

    private static void Append(Span<byte> destination, ref int written, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[written..]);
        written += bytes.Length;
    }

    private enum SpliceKind
    {
        InsertAtObjectStart,
        ReplaceModel,
        ReplaceStreamOptions,
        ReplaceIncludeUsage,
        InsertIncludeUsage,
    }

    private readonly record struct Splice(int Start, int End, SpliceKind Kind);
}
