using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Requests;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Tests.Requests;

public sealed class RequestHeaderChecksTests
{
    [Theory]
    [InlineData("extra-parameters", "pass-through")]
    [InlineData("extra-parameters", "drop, error")]
    [InlineData("x-request-id", "req-123_~!")]
    [InlineData("x-other", "caf\u00e9")]
    public void Check_PrintableAsciiOrHeaderNotForwarded_Accepted(string name, string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[name] = value;

        Assert.Null(RequestHeaderChecks.Check(context.Request.Headers));
    }

    [Theory]
    [InlineData("extra-parameters", "pass-thr\u00f6ugh")]
    [InlineData("extra-parameters", "drop\u0000")]
    [InlineData("x-request-id", "id-\u65e5\u672c")]
    [InlineData("x-request-id", "id\tx")]
    [InlineData("X-Request-Id", "id\u007f")]
    public void Check_ForwardedHeaderNotPrintableAscii_InvalidHeaderNamingIt(string name, string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[name] = value;

        var error = RequestHeaderChecks.Check(context.Request.Headers);

        Assert.NotNull(error);
        Assert.Equal(GatewayErrorCode.InvalidHeader, error!.Code);
        Assert.Equal(400, error.Status);
        Assert.Equal(name.ToLowerInvariant(), error.Param);
    }
}
