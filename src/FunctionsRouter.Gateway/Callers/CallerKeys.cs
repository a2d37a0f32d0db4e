using System.Buffers.Text;
using System.Security.Cryptography;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// Gateway keys: <c>frk_</c> followed by 32 random bytes in base64url (43 characters). The prefix lets secret scanners
/// and people recognise one. A key is shown once, when it is made, and stored only as its SHA-256 hash.
/// </summary>
public static class CallerKeys
{
    /// <summary>What every gateway key starts with.</summary>
    public const string Prefix = "frk_";

    /// <summary>The longest credential looked at; a longer one is refused without any table read.</summary>
    public const int MaxLength = 256;

    /// <summary>32 random bytes in base64url, without padding.</summary>
    private const int MinSecretChars = 43;

    /// <summary>How many characters of a key may be shown or logged to name it: the prefix and six more.</summary>
    private const int DisplayChars = 10;

    /// <summary>A new key: <c>frk_</c> and 32 bytes from the operating system's cryptographic generator.</summary>
    public static string Create() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Whether <paramref name="key"/> has a key's form: the prefix, then at least 43 base64url characters, at most
    /// <see cref="MaxLength"/> in all. Checked before any table read, so garbage costs nothing.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        if (key.Length < Prefix.Length + MinSecretChars || key.Length > MaxLength || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in key[Prefix.Length..])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The SHA-256 of the key's UTF-8 bytes: what the caller table and every cache hold instead of the key.</summary>
    public static KeyHash Hash(ReadOnlySpan<char> key)
    {
        // Keys are ASCII (IsWellFormed), so one byte per char; 256 at most.
        Span<byte> bytes = stackalloc byte[MaxLength];
        var length = System.Text.Encoding.ASCII.GetBytes(key[..Math.Min(key.Length, MaxLength)], bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..length], hash);
        return KeyHash.From(hash);
    }

    /// <summary>The start of a key (<c>frk_</c> and six characters), enough for a person to tell keys apart in logs.</summary>
    public static string DisplayPrefix(ReadOnlySpan<char> key) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) && key.Length >= DisplayChars ? new string(key[..DisplayChars]) + "…" : "(not a gateway key)";
}
