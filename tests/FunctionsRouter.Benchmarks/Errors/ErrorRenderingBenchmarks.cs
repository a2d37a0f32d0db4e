using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Benchmarks.Errors;

/// <summary>
/// The gateway's own error answers: rendering the JSON (<see cref="GatewayErrors.ToJson"/>) and writing the whole
/// response (<see cref="GatewayErrors.WriteResponseAsync"/>: status, headers, body) to a <see cref="DefaultHttpContext"/>.
/// </summary>
[MemoryDiagnoser]
public class ErrorRenderingBenchmarks
{
    private static readonly GatewayError UnknownModel = new(GatewayErrorCode.UnknownModel, "Unknown model: chat-defualt", "model");

    [Benchmark]
    public int ToJson() => GatewayErrors.ToJson(UnknownModel).Length;

    [Benchmark]
    public async Task<int> WriteResponse()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = Stream.Null;
        await GatewayErrors.WriteResponseAsync(context.Response, UnknownModel);
        return context.Response.StatusCode;
    }
}
