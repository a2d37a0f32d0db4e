using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Tests.Requests;

public sealed class RequestBodyReaderTests
{
    private const long Limit = 10_000;

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(5_000, true)]
    [InlineData(5_000, false)]
    [InlineData(Limit, true)]
    [InlineData(Limit, false)]
    public async Task ReadAsync_AtOrUnderLimit_ReturnsAllBytes(int size, bool declareLength)
    {
        var bytes = Bytes(size);
        var (context, body) = Context(bytes, declareLength ? size : null);

        using var buffer = await RequestBodyReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        Assert.NotNull(buffer);
        Assert.Equal(bytes, buffer.Span.ToArray());
        Assert.Equal(body.Length, body.Position);
    }

    [Fact]
    public async Task ReadAsync_BodyArrivingInSmallReads_ReturnsAllBytes()
    {
        var bytes = Bytes(9_999);
        var context = new DefaultHttpContext();
        context.Request.Body = new TrickleStream(bytes, maxRead: 7);

        using var buffer = await RequestBodyReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        Assert.NotNull(buffer);
        Assert.Equal(bytes, buffer.Span.ToArray());
    }

    [Fact]
    public async Task ReadAsync_ContentLengthOverLimit_ReturnsNullAndDrainsBody()
    {
        var (context, body) = Context(Bytes(50_000), 50_000);

        var buffer = await RequestBodyReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        Assert.Null(buffer);
        Assert.Equal(body.Length, body.Position);
    }

    [Fact]
    public async Task ReadAsync_ContentLengthOverLimitWithShortBody_ReturnsNullWithoutReadingPastEnd()
    {
        // The declared length decides; the body is still read to its end.
        var (context, body) = Context(Bytes(100), Limit + 1);

        var buffer = await RequestBodyReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        Assert.Null(buffer);
        Assert.Equal(body.Length, body.Position);
    }

    [Theory]
    [InlineData(Limit + 1)]
    [InlineData(50_000)]
    [InlineData(1_000_000)]
    public async Task ReadAsync_NoContentLengthAndActualLengthOverLimit_ReturnsNullAndDrainsBody(long size)
    {
        var (context, body) = Context(Bytes((int)size), null);

        var buffer = await RequestBodyReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        Assert.Null(buffer);
        Assert.Equal(body.Length, body.Position);
    }

    [Fact]
    public async Task ReadAsync_UnderstatedContentLength_ReturnsNullAndDrainsBody()
    {
        var (context, body) = Context(Bytes(30_000), 100);

        var buffer = await RequestBodyReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        Assert.Null(buffer);
        Assert.Equal(body.Length, body.Position);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_Throws()
    {
        var (context, _) = Context(Bytes(100), null);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await RequestBodyReader.ReadAsync(context.Request, Limit, cancellation.Token));
    }

    private static byte[] Bytes(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    private static (DefaultHttpContext Context, MemoryStream Body) Context(byte[] bytes, long? contentLength)
    {
        var body = new MemoryStream(bytes, writable: false);
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = contentLength;
        return (context, body);
    }
}
