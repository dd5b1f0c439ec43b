using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;

namespace Grassroots.Web.Security;

/// <summary>
/// Bearer tokens read once and remembered for a few minutes: a phone sends the same token with every request until it
/// expires, and reading one (Data Protection's key derivation, AES and HMAC) was about a tenth of the processor time of
/// a check-in. Only the reading is remembered — the handler still refuses an expired token, and every request still
/// checks the account itself (disabled, locked, re-stamped), so nothing about who may do what is cached. A token is
/// remembered at most <see cref="Lifetime"/> and never past its own expiry; each request gets its own copy of the ticket.
/// </summary>
internal sealed class CachedBearerTokenFormat(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider clock) : ISecureDataFormat<AuthenticationTicket>, IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    const int Capacity = 20_000;

    readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity, Clock = new CacheClock(clock) });

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null) return inner.Unprotect(protectedText, purpose);
        if (cache.TryGetValue(protectedText, out AuthenticationTicket? known) && known is not null) return known.Clone();
        var ticket = inner.Unprotect(protectedText);
        if (ticket?.Properties.ExpiresUtc is { } expires)
        {
            var until = clock.GetUtcNow() + Lifetime;
            cache.Set(protectedText, ticket.Clone(), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expires < until ? expires : until });
        }
        return ticket;
    }

    public void Dispose() => cache.Dispose();

    sealed class CacheClock(TimeProvider clock) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
}
