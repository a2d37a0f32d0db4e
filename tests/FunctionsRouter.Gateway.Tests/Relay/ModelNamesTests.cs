using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Relay;

namespace FunctionsRouter.Gateway.Tests.Relay;

public sealed class ModelNamesTests
{
    [Fact]
    public void Read_SameNameAgain_SameString()
    {
        var first = Read("\"gpt-4o-mini-2024-07-18\"");
        var second = Read("\"gpt-4o-mini-2024-07-18\"");

        Assert.Equal("gpt-4o-mini-2024-07-18", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Read_ManyNames_EachReadAsItIs()
    {
        // More names than the table has slots, twice over: collisions overwrite slots, never answer another name.
        var names = Enumerable.Range(0, 200).Select(i => $"model-{i}-{new string('x', i % 17)}").ToList();
        for (var round = 0; round < 2; round++)
        {
            foreach (var name in names)
            {
                Assert.Equal(name, Read(JsonSerializer.Serialize(name)));
            }
        }
    }

    [Theory]
    [InlineData("\"gpt-\\u00e9\"", "gpt-é")]
    [InlineData("\"caf\u00e9\"", "café")]
    [InlineData("\"\"", "")]
    public void Read_EscapedOrNonAsciiOrEmpty_ReadAsJsonSaysIt(string json, string expected)
    {
        Assert.Equal(expected, Read(json));
        Assert.Equal(expected, Read(json));
    }

    [Fact]
    public void Read_EscapedSpellingOfACachedName_SameText()
    {
        var plain = Read("\"phi-4\"");
        var escaped = Read("\"\\u0070hi-4\"");

        Assert.Equal(plain, escaped);
    }

    private static string Read(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read());
        return ModelNames.Read(ref reader);
    }
}
