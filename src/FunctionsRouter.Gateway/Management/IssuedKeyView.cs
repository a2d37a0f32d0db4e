namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// A caller and its new key (create, rotate): the only place a key is ever shown.
/// </summary>
/// <param name="Id">The caller id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Key">The new key, <c>frk_…</c>: shown this once, stored only as its hash.</param>
/// <param name="ReplacedKeys">Rotation: how many earlier keys were deleted or given an expiry.</param>
/// <param name="ReplacedKeysExpireAt">Rotation with a grace: when the earlier keys stop; absent when they stopped at once.</param>
public sealed record IssuedKeyView(string Id, string Name, string Key, int? ReplacedKeys = null, DateTimeOffset? ReplacedKeysExpireAt = null);
