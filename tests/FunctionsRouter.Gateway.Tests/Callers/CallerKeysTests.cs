using System.Security.Cryptography;
using System.Text;
using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Gateway.Tests.Callers;

public sealed class CallerKeysTests
{
    [Fact]
    public void Create_Twice_DistinctWellFormedKeysOf32RandomBytes()
    {
        var first = CallerKeys.Create();
        var second = CallerKeys.Create();

        Assert.NotEqual(first, second);
        Assert.StartsWith("frk_", first, StringComparison.Ordinal);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(first.AsSpan(4)).Length);
        Assert.True(CallerKeys.IsWellFormed(first));
    }

    [Theory]
    [InlineData("")]
    [InlineData("frk_")]
    [InlineData("frk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 42 characters: under 32 bytes
    [InlineData("FRK_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sk-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("frk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("frk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé")]
    public void IsWellFormed_NotAKey_False(string key) => Assert.False(CallerKeys.IsWellFormed(key));

    [Fact]
    public void IsWellFormed_LongerThan256_False()
    {
        Assert.True(CallerKeys.IsWellFormed(CallerKeys.Prefix + new string('a', 252)));
        Assert.False(CallerKeys.IsWellFormed(CallerKeys.Prefix + new string('a', 253)));
    }

    [Fact]
    public void Hash_Key_IsTheSha256OfItsBytesAsLowerHex()
    {
        var key = CallerKeys.Create();

        var hex = CallerKeys.Hash(key).ToHex();

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), hex);
        Assert.Equal(CallerKeys.Hash(key), CallerKeys.Hash(key));
        Assert.NotEqual(CallerKeys.Hash(key), CallerKeys.Hash(CallerKeys.Create()));
    }

    [Fact]
    public void DisplayPrefix_Key_ShowsTenCharactersOnly()
    {
        var key = CallerKeys.Create();

        var shown = CallerKeys.DisplayPrefix(key);

        Assert.Equal(key[..10] + "…", shown);
        Assert.Equal("(not a gateway key)", CallerKeys.DisplayPrefix("sk-123"));
    }
}
