namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>
/// Version 4 GUIDs for ids that must be unique, not secret (request ids, usage record ids), drawn from
/// <see cref="Random.Shared"/> (xoshiro256**, one generator per thread, each seeded from the operating system) instead
/// of <see cref="Guid.NewGuid"/>, which on Linux reads the kernel's random source with a system call per GUID: with two
/// per request that was about 4 % of the gateway's CPU at saturation in the load harness (docs/PERFORMANCE.md). 122
/// random bits per id, as with <see cref="Guid.NewGuid"/>.
/// </summary>
internal static class RandomGuids
{
    public static Guid Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);

        // RFC 9562: version 4 in the high nibble of the third field (little-endian in these bytes), variant 10xx.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
