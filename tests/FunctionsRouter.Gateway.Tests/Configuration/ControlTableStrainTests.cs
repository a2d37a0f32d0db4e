using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Gateway.Tests.Configuration;

/// <summary>
/// The control tables' calls mark their account strained when they fail or are slow, and the ledger's calls then go one
/// at a time; a fake table (an HTTP handler) and a fake clock stand in for the account.
/// </summary>
public sealed class ControlTableStrainTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly LogCapture _logs = new();
    private readonly ControlTableStrain _strain;

    public ControlTableStrainTests() => _strain = new ControlTableStrain(_time, new Logger<ControlTableStrain>(new LoggerFactory([_logs])));

    [Fact]
    public async Task Watch_FastAnswers_NotStrained()
    {
        var control = Pipeline(_strain.Watch, new FakeTable(_ => Task.FromResult(HttpStatusCode.OK)));

        await SendAsync(control);
        await SendAsync(control);

        Assert.False(_strain.IsStrained);
    }

    [Fact]
    public async Task Watch_ASlowAnswerThenAFastOne_StrainedUntilTheFastOne()
    {
        var slow = true;
        var control = Pipeline(_strain.Watch, new FakeTable(_ =>
        {
            if (slow)
            {
                _time.Advance(ControlTableStrain.SlowCall); // The account took a second to answer.
            }

            return Task.FromResult(HttpStatusCode.OK);
        }));

        await SendAsync(control);
        Assert.True(_strain.IsStrained);

        slow = false;
        await SendAsync(control);
        Assert.False(_strain.IsStrained);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Watch_AnAnswerThatSaysTheAccountIsBusy_Strained(HttpStatusCode status)
    {
        var control = Pipeline(_strain.Watch, new FakeTable(_ => Task.FromResult(status)));

        await SendAsync(control);

        Assert.True(_strain.IsStrained);
    }

    [Fact]
    public async Task Watch_AnAbsentRow_NotStrained()
    {
        var control = Pipeline(_strain.Watch, new FakeTable(_ => Task.FromResult(HttpStatusCode.NotFound)));

        await SendAsync(control);

        Assert.False(_strain.IsStrained);
    }

    [Fact]
    public async Task Watch_NoAnswer_Strained()
    {
        var control = Pipeline(_strain.Watch, new FakeTable(_ => throw new HttpRequestException("connection refused")));

        await Assert.ThrowsAnyAsync<Exception>(() => SendAsync(control));

        Assert.True(_strain.IsStrained);
    }

    [Fact]
    public async Task Watch_FlappingAtTheThreshold_EachChangeLoggedAtMostOnceAMinute()
    {
        var status = HttpStatusCode.ServiceUnavailable;
        var control = Pipeline(_strain.Watch, new FakeTable(_ => Task.FromResult(status)));

        for (var i = 0; i < 3; i++)
        {
            status = HttpStatusCode.ServiceUnavailable;
            await SendAsync(control);
            status = HttpStatusCode.OK;
            await SendAsync(control);
        }

        Assert.Equal([3010, 3011], _logs.Events.Select(e => e.EventId));
        _time.Advance(ControlTableStrain.LogInterval);
        status = HttpStatusCode.ServiceUnavailable;
        await SendAsync(control);
        Assert.Equal([3010, 3011, 3010], _logs.Events.Select(e => e.EventId));
    }

    [Fact]
    public async Task Yield_Strained_LedgerCallsGoOneAtATime()
    {
        await StrainAsync();
        var table = new GatedTable();
        var ledger = Pipeline(_strain.Yield, table);

        var calls = Enumerable.Range(0, 4).Select(_ => SendAsync(ledger)).ToList();
        await table.WaitForAsync(1);
        await Task.Delay(100);
        Assert.Equal(1, table.InFlight); // The others wait in the gateway, not in the account's queue.
        table.Open();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, table.MostInFlight);
        Assert.Equal(4, table.Calls);
    }

    [Fact]
    public async Task Yield_NotStrained_LedgerCallsGoTogether()
    {
        var table = new GatedTable();
        var ledger = Pipeline(_strain.Yield, table);

        var calls = Enumerable.Range(0, 4).Select(_ => SendAsync(ledger)).ToList();
        await table.WaitForAsync(4);
        table.Open();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(4, table.MostInFlight);
    }

    private async Task StrainAsync()
    {
        var control = Pipeline(_strain.Watch, new FakeTable(_ => Task.FromResult(HttpStatusCode.ServiceUnavailable)));
        await SendAsync(control);
        Assert.True(_strain.IsStrained);
    }

    private static HttpPipeline Pipeline(HttpPipelinePolicy perCall, HttpMessageHandler table)
    {
        var options = new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(table)) };
        options.Retry.MaxRetries = 0;
        return HttpPipelineBuilder.Build(options, [perCall], [], new ResponseClassifier());
    }

    private static async Task SendAsync(HttpPipeline pipeline)
    {
        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri("http://table.invalid/Callers(PartitionKey='p',RowKey='r')"));
        await pipeline.SendAsync(message, CancellationToken.None);
    }

    private sealed class FakeTable(Func<HttpRequestMessage, Task<HttpStatusCode>> answer) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new(await answer(request));
    }

    /// <summary>Holds every call until <see cref="Open"/>, counting how many were in flight at once.</summary>
    private sealed class GatedTable : HttpMessageHandler
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _mostInFlight;
        private int _calls;

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MostInFlight => Volatile.Read(ref _mostInFlight);

        public int Calls => Volatile.Read(ref _calls);

        public void Open() => _open.TrySetResult();

        public async Task WaitForAsync(int inFlight)
        {
            for (var i = 0; i < 500 && InFlight < inFlight; i++)
            {
                await Task.Delay(10);
            }

            Assert.Equal(inFlight, InFlight);
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var now = Interlocked.Increment(ref _inFlight);
            int most;
            while (now > (most = Volatile.Read(ref _mostInFlight)) && Interlocked.CompareExchange(ref _mostInFlight, now, most) != most)
            {
            }

            try
            {
                await _open.Task.WaitAsync(cancellationToken);
                return new HttpResponseMessage(HttpStatusCode.NoContent);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }
}
