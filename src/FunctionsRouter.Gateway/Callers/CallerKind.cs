namespace FunctionsRouter.Gateway.Callers;

/// <summary>What a caller row stands for.</summary>
public enum CallerKind
{
    /// <summary>A service or app holding gateway keys.</summary>
    Key,

    /// <summary>One Microsoft Entra principal (user, app, managed identity), by object id.</summary>
    Principal,

    /// <summary>Every Entra principal whose token carries an app role.</summary>
    Role,
}
