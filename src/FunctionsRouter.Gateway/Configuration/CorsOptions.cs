namespace FunctionsRouter.Gateway.Configuration;

/// <summary>Which browser origins may call the gateway (<c>Router__Cors__…</c>); the gateway answers CORS itself.</summary>
public sealed class CorsOptions
{
    /// <summary>
    /// Origins allowed, comma-separated (<c>Router__Cors__AllowedOrigins</c>), each <c>scheme://host[:port]</c>; <c>*</c>
    /// allows every origin (no cookies are involved, so this exposes nothing a caller's credential does not).
    /// </summary>
    /// <value>Default empty: no browser access.</value>
    public string? AllowedOrigins { get; set; }

    /// <summary>How long a browser may cache a preflight answer (<c>Router__Cors__MaxAge</c>).</summary>
    /// <value>Default 10 minutes (Chromium's own cap is 2 hours); up to 1 day.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(10);

    public IReadOnlyList<string> Origins =>
        (AllowedOrigins ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
