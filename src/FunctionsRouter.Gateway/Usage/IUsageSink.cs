namespace FunctionsRouter.Gateway.Usage;

/// <summary>Takes usage records off the request path. Never blocks.</summary>
public interface IUsageSink
{
    void Record(UsageRecord record);
}
