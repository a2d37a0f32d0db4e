using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Relay;

namespace FunctionsRouter.Gateway.Tests.Relay;

public sealed class FinishReasonListTests
{
    [Theory]
    [InlineData("""["stop"]""", new[] { "stop" })]
    [InlineData("""["stop","stop","stop"]""", new[] { "stop" })]
    [InlineData("""["tool_calls","stop","tool_calls"]""", new[] { "tool_calls", "stop" })]
    [InlineData("""["end_turn"]""", new[] { "end_turn" })]
    [InlineData("""["stop","end_turn","stop","length"]""", new[] { "stop", "end_turn", "length" })]
    [InlineData("""["end_turn","stop"]""", new[] { "end_turn", "stop" })]
    [InlineData("""["\u0073top","stop"]""", new[] { "stop" })]
    [InlineData("""[]""", new string[0])]
    public void Add_DistinctInOrderOfAppearance(string json, string[] expected)
    {
        var list = Read(json);
        Assert.Equal(expected, list.Items);
    }

    [Fact]
    public void Add_OneKnownReason_SharedAndNotAllocated()
    {
        var first = Read("""["length"]""");
        var second = Read("""["length"]""");

        Assert.Same(first.Items, second.Items);
        Assert.Equal(0, second.AllocatedWhileAdding);

        var unknown = Read("""["end_turn"]""");
        Assert.True(unknown.AllocatedWhileAdding > 0); // The measure can see an allocation.
    }

    [Fact]
    public void Add_InvalidUtf8_IsMalformedJson()
    {
        var bytes = Encoding.UTF8.GetBytes("[\"x\"]");
        bytes[2] = 0xFF;
        var list = default(FinishReasonList);
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        reader.Read();

        var caught = false;
        try
        {
            list.Add(ref reader);
        }
        catch (JsonException)
        {
            caught = true;
        }

        Assert.True(caught);
    }

    private static (IReadOnlyList<string> Items, long AllocatedWhileAdding) Read(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var list = default(FinishReasonList);
        var reader = new Utf8JsonReader(bytes);
        long allocated = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                list.Add(ref reader);
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        return (list.Items, allocated);
    }
}
