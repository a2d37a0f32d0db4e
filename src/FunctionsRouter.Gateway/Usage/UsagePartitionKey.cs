using System.Globalization;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>A usage partition (UTC day and shard) as a value, so that records are grouped without a key string each.</summary>
internal readonly record struct UsagePartitionKey(DateOnly Day, int Shard)
{
    /// <summary>The PartitionKey text, <c>yyyyMMdd-SS</c>.</summary>
    public override string ToString() =>
        Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-" + Shard.ToString("x2", CultureInfo.InvariantCulture);
}
