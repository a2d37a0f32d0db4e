namespace FunctionsRouter.Gateway.Limits;

/// <summary>The periods a <see cref="LimitCounter"/> holds, in the order of its buckets.</summary>
internal enum LimitBucketKind
{
    Minute,
    PreviousMinute,
    Day,
    Month,
}
