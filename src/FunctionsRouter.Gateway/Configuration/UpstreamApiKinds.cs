namespace FunctionsRouter.Gateway.Configuration;

/// <summary>The setting values that name an <see cref="UpstreamApiKind"/>.</summary>
public static class UpstreamApiKinds
{
    public const string Models = "models";
    public const string OpenAI = "openai";

    public static bool TryParse(string? value, out UpstreamApiKind kind)
    {
        if (string.Equals(value, Models, StringComparison.OrdinalIgnoreCase))
        {
            kind = UpstreamApiKind.Models;
            return true;
        }

        if (string.Equals(value, OpenAI, StringComparison.OrdinalIgnoreCase))
        {
            kind = UpstreamApiKind.OpenAI;
            return true;
        }

        kind = default;
        return false;
    }
}
