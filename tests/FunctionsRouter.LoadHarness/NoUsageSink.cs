using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.LoadHarness;

/// <summary>The experiment <c>--usage-ledger off</c>: usage records go nowhere, to show what the ledger costs.</summary>
internal sealed class NoUsageSink : IUsageSink
{
    public void Record(UsageRecord record)
    {
    }
}
