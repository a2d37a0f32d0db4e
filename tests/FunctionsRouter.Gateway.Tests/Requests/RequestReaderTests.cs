using System.Text;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FunctionsRouter.Gateway.Tests.Requests;

public sealed class RequestReaderTests
{
    private const long Limit = 10_000;

    [Fact]
    public async Task ReadAsync_GoodRequest_ReturnsBody()
    {
        var context = Context(Encoding.UTF8.GetBytes("{}"));

        var read = await RequestReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        using var body = read.Body;
        Assert.Null(read.Error);
        Assert.Equal("{}", Encoding.UTF8.GetString(body!.Span));
    }

    [Theory]
    [InlineData(typeof(IOException))]
    [InlineData(typeof(BadHttpRequestException))]
    public async Task ReadAsync_BodyReadFails_InvalidJson400(Type failure)
    {
        var context = new DefaultHttpContext();
        var error = failure == typeof(IOException) ? (Exception)new IOException("Unexpected end of request content.") : new BadHttpRequestException("Bad chunk size data.", 400);
        context.Request.Body = new TrickleStream(new byte[100], maxRead: 10, failAtEnd: error);

        var read = await RequestReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        Assert.Null(read.Body);
        Assert.Equal(GatewayErrorCode.InvalidJson, read.Error!.Code);
        Assert.Equal(400, read.Error.Status);
    }

    [Fact]
    public async Task ReadAsync_CallerLeftDuringRead_NeitherBodyNorError()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var context = new DefaultHttpContext();
        context.Request.Body = new TrickleStream(new byte[100], maxRead: 10, failAtEnd: new IOException("reset"));

        var read = await RequestReader.ReadAsync(context.Request, Limit, cancelled.Token);

        Assert.Null(read.Body);
        Assert.Null(read.Error);
    }

    [Fact]
    public async Task ReadAsync_BodyOverLimit_RequestTooLarge()
    {
        var context = Context(new byte[Limit + 1]);

        var read = await RequestReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        Assert.Equal(GatewayErrorCode.RequestTooLarge, read.Error!.Code);
    }

    [Fact]
    public async Task ReadAsync_BadForwardedHeader_InvalidHeaderAfterReadingTheBody()
    {
        var bytes = new byte[5_000];
        var context = Context(bytes);
        context.Request.Headers["extra-parameters"] = "pass-through\u00e9";

        var read = await RequestReader.ReadAsync(context.Request, Limit, CancellationToken.None);

        Assert.Equal(GatewayErrorCode.InvalidHeader, read.Error!.Code);
        Assert.Equal(bytes.Length, context.Request.Body.Position);
    }

    [Fact]
    public async Task ReadAsync_ServerBodyLimitBelowDrainLimit_RaisedToIt()
    {
        var context = Context(Encoding.UTF8.GetBytes("{}"));
        var limit = new BodySizeLimit { MaxRequestBodySize = 30_000_000 };
        context.Features.Set<IHttpMaxRequestBodySizeFeature>(limit);

        using var body = (await RequestReader.ReadAsync(context.Request, Limit, CancellationToken.None)).Body;

        Assert.Equal(RequestBodyReader.DrainLimit, limit.MaxRequestBodySize);
    }

    private static DefaultHttpContext Context(byte[] bytes)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return context;
    }

    private sealed class BodySizeLimit : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly => false;

        public long? MaxRequestBodySize { get; set; }
    }
}
