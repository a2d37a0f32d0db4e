using System.Text.RegularExpressions;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Tests.Usage;

public sealed partial class UsageRecordKeysTests
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 9, 12, 30, 45, TimeSpan.Zero);

    [Fact]
    public void PartitionKey_Record_IsUtcDayDashTwoHexShard()
    {
        var key = UsageRecordKeys.PartitionKey(Record(Guid.NewGuid(), Noon, "fast"));

        Assert.Matches(PartitionKeyPattern(), key);
        Assert.StartsWith("20250309-", key, StringComparison.Ordinal);
    }

    [Fact]
    public void PartitionKey_NonUtcTimestamp_UsesTheUtcDay()
    {
        // 23:30 on the 9th at UTC-05:00 is 04:30 on the 10th in UTC.
        var late = new DateTimeOffset(2025, 3, 9, 23, 30, 0, TimeSpan.FromHours(-5));

        var key = UsageRecordKeys.PartitionKey(Record(Guid.NewGuid(), late, "fast"));

        Assert.StartsWith("20250310-", key, StringComparison.Ordinal);
    }

    [Fact]
    public void PartitionKey_ManyRandomIds_SpreadEvenlyOverAllShards()
    {
        const int records = 20_000;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < records; i++)
        {
            var shard = UsageRecordKeys.PartitionKey(Record(Guid.NewGuid(), Noon, "fast"))[9..];
            counts[shard] = counts.GetValueOrDefault(shard) + 1;
        }

        var expectedShards = Enumerable.Range(0, UsageRecordKeys.ShardCount).Select(s => s.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expectedShards.Order(StringComparer.Ordinal), counts.Keys.Order(StringComparer.Ordinal));
        Assert.All(counts, pair => Assert.InRange(pair.Value, records * 4 / 100, records * 8 / 100));
    }

    [Fact]
    public void PartitionKey_ShardComesFromTheRecordId()
    {
        var id = Guid.NewGuid();

        var a = UsageRecordKeys.PartitionKey(Record(id, Noon, "fast"));
        var b = UsageRecordKeys.PartitionKey(Record(id, Noon.AddHours(3), "other"));

        Assert.Equal(a, b);
    }

    [Fact]
    public void RowKey_Record_IsLowerAliasTicksAndId()
    {
        var id = Guid.NewGuid();

        var key = UsageRecordKeys.RowKey(Record(id, Noon, "Fast-GPT"));

        Assert.Equal("fast-gpt|" + Noon.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "|" + id.ToString("N"), key);
        Assert.StartsWith("fast-gpt|", key, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_SameRecord_SameKeys()
    {
        var record = Record(Guid.NewGuid(), Noon, "Fast");
        var retried = record with { HttpStatus = 502, Attempts = 2 };

        Assert.Equal(UsageRecordKeys.PartitionKey(record), UsageRecordKeys.PartitionKey(retried));
        Assert.Equal(UsageRecordKeys.RowKey(record), UsageRecordKeys.RowKey(retried));
    }

    [Fact]
    public void RowKey_DifferentIdsSameInstant_Differ()
    {
        Assert.NotEqual(UsageRecordKeys.RowKey(Record(Guid.NewGuid(), Noon, "fast")), UsageRecordKeys.RowKey(Record(Guid.NewGuid(), Noon, "fast")));
    }

    [Fact]
    public void RowKey_SameAlias_SortsByTime()
    {
        var earlier = UsageRecordKeys.RowKey(Record(Guid.NewGuid(), Noon, "fast"));
        var later = UsageRecordKeys.RowKey(Record(Guid.NewGuid(), Noon.AddTicks(1), "fast"));

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }

    [Theory]
    [InlineData("a/b", "a_b")]
    [InlineData("a\\b", "a_b")]
    [InlineData("a#b", "a_b")]
    [InlineData("a?b", "a_b")]
    [InlineData("a|b", "a_b")]
    [InlineData("a\tb\nc\u0000d\u007fe\u0085f", "a_b_c_d_e_f")]
    [InlineData("Héllo-模型.v2", "héllo-模型.v2")]
    public void RowKey_UnsafeCharacters_Replaced(string alias, string expectedPrefix)
    {
        var key = UsageRecordKeys.RowKey(Record(Guid.NewGuid(), Noon, alias));

        Assert.StartsWith(expectedPrefix + "|", key, StringComparison.Ordinal);
        Assert.Equal(2, key.Count(c => c == '|'));
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
    }

    [Fact]
    public void RowKey_VeryLongAlias_KeptUnderTheKeyLimit()
    {
        var key = UsageRecordKeys.RowKey(Record(Guid.NewGuid(), Noon, new string('a', 5_000)));

        Assert.True(key.Length * 2 < 1024, $"{key.Length} chars");
        Assert.StartsWith(new string('a', 200) + "|", key, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasDayFilter_DayAndAlias_CoversAllShardsOfTheDayAndOnlyThatAlias()
    {
        var filter = UsageRecordKeys.AliasDayFilter(new DateOnly(2025, 3, 9), "Fast");

        Assert.Equal("PartitionKey ge '20250309' and PartitionKey lt '20250309.' and RowKey ge 'fast|' and RowKey lt 'fast}'", filter);
    }

    [Fact]
    public void AliasDayFilter_UnsafeAliasWithQuote_KeySafeAndEscaped()
    {
        var filter = UsageRecordKeys.AliasDayFilter(new DateOnly(2025, 12, 31), "O'Brien/x");

        Assert.Equal("PartitionKey ge '20251231' and PartitionKey lt '20251231.' and RowKey ge 'o''brien_x|' and RowKey lt 'o''brien_x}'", filter);
    }

    [Fact]
    public void AliasDayFilter_Ranges_ContainTheRecordKeysOfThatDayAndAliasOnly()
    {
        var day = new DateOnly(2025, 3, 9);
        var (pkLow, pkHigh, rkLow, rkHigh) = Ranges(UsageRecordKeys.AliasDayFilter(day, "Fast"));

        bool Matches(UsageRecord r)
        {
            var pk = UsageRecordKeys.PartitionKey(r);
            var rk = UsageRecordKeys.RowKey(r);
            return string.CompareOrdinal(pk, pkLow) >= 0 && string.CompareOrdinal(pk, pkHigh) < 0
                && string.CompareOrdinal(rk, rkLow) >= 0 && string.CompareOrdinal(rk, rkHigh) < 0;
        }

        var startOfDay = new DateTimeOffset(2025, 3, 9, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 200; i++)
        {
            Assert.True(Matches(Record(Guid.NewGuid(), startOfDay.AddMinutes(i * 7), "FAST")));
        }

        Assert.True(Matches(Record(Guid.NewGuid(), startOfDay.AddDays(1).AddTicks(-1), "fast")));
        Assert.False(Matches(Record(Guid.NewGuid(), startOfDay.AddTicks(-1), "fast")));
        Assert.False(Matches(Record(Guid.NewGuid(), startOfDay.AddDays(1), "fast")));
        foreach (var other in new[] { "fas", "fast2", "fast-x", "fast|x", "fast}", "fast~", "fasu", "fast{" })
        {
            Assert.False(Matches(Record(Guid.NewGuid(), Noon, other)), other);
        }
    }

    [Fact]
    public void CallerDayFilter_DayAndCaller_PartitionRangeAndEscapedCaller()
    {
        var filter = UsageRecordKeys.CallerDayFilter(new DateOnly(2025, 1, 2), "team'a");

        Assert.Equal("PartitionKey ge '20250102' and PartitionKey lt '20250102.' and Caller eq 'team''a'", filter);
    }

    private static (string PkLow, string PkHigh, string RkLow, string RkHigh) Ranges(string filter)
    {
        var match = FilterPattern().Match(filter);
        Assert.True(match.Success, filter);
        return (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value, match.Groups[4].Value);
    }

    private static UsageRecord Record(Guid id, DateTimeOffset timestamp, string alias) => new()
    {
        RecordId = id,
        Timestamp = timestamp,
        RequestId = "req-1",
        Caller = "anonymous",
        Alias = alias,
        Operation = "chat.completions",
        HttpStatus = 200,
    };

    [GeneratedRegex("^[0-9]{8}-0[0-9a-f]$")]
    private static partial Regex PartitionKeyPattern();

    [GeneratedRegex("^PartitionKey ge '([^']*)' and PartitionKey lt '([^']*)' and RowKey ge '([^']*)' and RowKey lt '([^']*)'$")]
    private static partial Regex FilterPattern();
}
