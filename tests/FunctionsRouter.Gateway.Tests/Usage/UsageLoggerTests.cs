using System.Text.RegularExpressions;
using FunctionsRouter.Gateway.Tests.Support;
using FunctionsRouter.Gateway.Usage;
using Microsoft.Extensions.Logging;
using static FunctionsRouter.Gateway.Tests.Usage.UsageTestRecords;

namespace FunctionsRouter.Gateway.Tests.Usage;

/// <summary>Event 3001: every field of the record a property, a message that names the ones a person scans for.</summary>
public sealed partial class UsageLoggerTests
{
    [Fact]
    public void Log_FullRecord_EveryFieldIsAPropertyWithItsValue()
    {
        var record = Full("req-full");
        var captured = LogOne(record);

        Assert.Equal(LogLevel.Information, captured.Level);
        Assert.Equal(3001, captured.EventId);
        Assert.Equal(UsageLogger.Category, captured.Category);
        var expected = new Dictionary<string, object?>
        {
            ["RequestId"] = "req-full",
            ["Caller"] = "key:team-a",
            ["Alias"] = "Chat-Default",
            ["Target"] = "primary",
            ["Deployment"] = "gpt-4o-mini",
            ["Endpoint"] = "default",
            ["Operation"] = "chat.completions",
            ["Status"] = 502,
            ["ErrorCode"] = "upstream_error",
            ["PromptTokens"] = 91,
            ["CompletionTokens"] = 27,
            ["TotalTokens"] = 118,
            ["CachedTokens"] = 64,
            ["Cost"] = 0.000347125m,
            ["UsageExact"] = false,
            ["Streamed"] = true,
            ["LatencyMs"] = 812.0,
            ["TimeToFirstByteMs"] = 143.4567,
            ["UpstreamRequestId"] = "5d0f1a3c-1c8e-4f7a-9a51-0e0f3f3b9e21",
        };
        foreach (var (name, value) in expected)
        {
            Assert.True(captured.Values.TryGetValue(name, out var actual), $"no property {name}");
            Assert.Equal(value, actual);
        }

        Assert.Equal(expected.Count + 1, captured.Values.Count); // and {OriginalFormat}
        Assert.Equal("Usage req-full caller key:team-a alias Chat-Default deployment gpt-4o-mini status 502 tokens 118 latency 812 ms.", captured.Message);
    }

    [Fact]
    public void Log_RecordWithoutTarget_MissingValuesAreNullPropertiesAndNamedInTheMessage()
    {
        var record = Minimal("req-min") with { Tokens = default, LatencyMs = 1.23456 };
        var captured = LogOne(record);

        Assert.Null(captured.Values["Deployment"]);
        Assert.Null(captured.Values["TotalTokens"]);
        Assert.Null(captured.Values["TimeToFirstByteMs"]);
        Assert.Null(captured.Values["Cost"]);
        Assert.Equal(true, captured.Values["UsageExact"]);
        Assert.Equal("Usage req-min caller anonymous alias alpha deployment (none) status 200 tokens (none) latency 1.235 ms.", captured.Message);
    }

    [Fact]
    public void Log_TemplateNamesOnlyPropertiesTheEventCarries()
    {
        var captured = LogOne(Full("req-template"));
        var template = Assert.IsType<string>(captured.Values["{OriginalFormat}"]);
        var placeholders = Placeholder().Matches(template).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(placeholders);
        Assert.All(placeholders, name => Assert.True(captured.Values.ContainsKey(name), $"{{{name}}} is not a property"));

        // The template, filled with the properties' values, is the message.
        var filled = Placeholder().Replace(template, m => Convert.ToString(captured.Values[m.Groups[1].Value], System.Globalization.CultureInfo.InvariantCulture)!);
        Assert.Equal(captured.Message, filled);
    }

    [Fact]
    public void Log_InformationDisabled_NothingLogged()
    {
        var capture = new LogCapture();
        using (var factory = LoggerFactory.Create(builder => builder.AddProvider(capture).SetMinimumLevel(LogLevel.Warning)))
        {
            UsageLogger.Log(factory.CreateLogger(UsageLogger.Category), Full("req-off"));
        }

        Assert.Empty(capture.Events);
    }

    private static CapturedLog LogOne(UsageRecord record)
    {
        var capture = new LogCapture();
        UsageLogger.Log(capture.CreateLogger(UsageLogger.Category), record);
        return Assert.Single(capture.Events);
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex Placeholder();
}
