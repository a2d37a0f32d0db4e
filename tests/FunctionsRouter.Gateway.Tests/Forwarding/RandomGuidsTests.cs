using System.Collections.Concurrent;
using FunctionsRouter.Gateway.Forwarding;

namespace FunctionsRouter.Gateway.Tests.Forwarding;

public sealed class RandomGuidsTests
{
    [Fact]
    public void Next_IsARandomVersion4Guid()
    {
        for (var i = 0; i < 1_000; i++)
        {
            var id = RandomGuids.Next();
            Assert.Equal(4, id.Version);
            Assert.Equal(0b10, id.Variant >> 2); // RFC 9562: variant bits 10xx
            Assert.Equal('4', id.ToString("D")[14]);
        }
    }

    [Fact]
    public async Task Next_FromManyThreads_NeverRepeats()
    {
        var seen = new ConcurrentDictionary<Guid, byte>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                Assert.True(seen.TryAdd(RandomGuids.Next(), 0));
            }
        })));

        Assert.Equal(400_000, seen.Count);
    }

    [Fact]
    public void Next_FirstByteSpreadsOverTheUsageShards()
    {
        // The usage ledger's shard is the record id's first byte modulo 16 (UsageRecordKeys.Partition).
        var counts = new int[16];
        const int Draws = 160_000;
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < Draws; i++)
        {
            RandomGuids.Next().TryWriteBytes(bytes);
            counts[bytes[0] % 16]++;
        }

        // 10,000 expected per shard; 5 standard deviations (about 480) either way.
        Assert.All(counts, count => Assert.InRange(count, 9_500, 10_500));
    }
}
