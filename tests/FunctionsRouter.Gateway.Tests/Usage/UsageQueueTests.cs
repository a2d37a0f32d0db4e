using FunctionsRouter.Gateway.Usage;
using static FunctionsRouter.Gateway.Tests.Usage.UsageTestRecords;

namespace FunctionsRouter.Gateway.Tests.Usage;

public sealed class UsageQueueTests
{
    [Fact]
    public void Record_BeyondTheByteBound_CountsDropsWithoutWaiting()
    {
        var size = UsageQueue.EstimateBytes(Minimal("q-0000"));
        var queue = UsageTableWriterTests.Queue(bytes: 1 << 20);
        var fits = (int)((1 << 20) / size);

        for (var i = 0; i < fits + 30; i++)
        {
            queue.Record(Minimal($"q-{i:D4}"));
        }

        Assert.Equal(30, queue.Dropped);
        Assert.Equal(fits, queue.Depth);
        Assert.Equal(fits * size, queue.Bytes);
    }

    [Fact]
    public void Release_RecordsTakenByTheWriter_CountAgainstTheBoundUntilReleased()
    {
        var record = Minimal("held");
        var size = UsageQueue.EstimateBytes(record);
        var queue = UsageTableWriterTests.Queue(bytes: size);
        queue.Record(record);
        Assert.True(queue.Reader.TryRead(out var taken));

        // Taken off the channel but not yet written (a table outage): still counted, so the next one does not fit.
        queue.Record(Minimal("next"));
        Assert.Equal(1, queue.Dropped);

        queue.Release([taken], written: true);
        queue.Record(Minimal("next"));

        Assert.Equal(1, queue.Dropped);
        Assert.Equal(1, queue.Written);
        Assert.Equal(1, queue.Depth);
    }

    [Fact]
    public void EstimateBytes_LongerStrings_Count()
    {
        Assert.True(UsageQueue.EstimateBytes(Minimal(new string('r', 1_000))) > UsageQueue.EstimateBytes(Minimal("r")) + 1_900);
    }
}
