using System.Security.Claims;
using Grassroots.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Grassroots.Web.Tests.Security;

/// <summary>The bearer-token reader remembers what it read, but never past the token's expiry or five minutes, and
/// hands every request its own copy.</summary>
public sealed class CachedBearerTokenFormatTests
{
    sealed class CountingFormat(Func<AuthenticationTicket?> read) : ISecureDataFormat<AuthenticationTicket>
    {
        public int Reads;
        public string Protect(AuthenticationTicket data) => "token";
        public string Protect(AuthenticationTicket data, string? purpose) => "token";
        public AuthenticationTicket? Unprotect(string? protectedText) { Reads++; return read(); }
        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose) { Reads++; return read(); }
    }

    static AuthenticationTicket Ticket(DateTimeOffset expires) =>
        new(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ali.cadre")], "Bearer")),
            new AuthenticationProperties { ExpiresUtc = expires }, "Identity.Bearer");

    [Fact]
    public void ASecondRead_OfTheSameToken_IsRemembered_AsACopy()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
        var inner = new CountingFormat(() => Ticket(clock.GetUtcNow().AddMinutes(30)));
        using var format = new CachedBearerTokenFormat(inner, clock);

        var first = format.Unprotect("abc")!;
        first.Principal.AddIdentity(new ClaimsIdentity([new Claim(ClaimTypes.Role, "admin")]));
        var second = format.Unprotect("abc")!;

        Assert.Equal(1, inner.Reads);
        Assert.Equal("ali.cadre", second.Principal.Identity!.Name);
        Assert.Single(second.Principal.Identities); // what one request did to its ticket is not seen by the next
        Assert.False(second.Principal.IsInRole("admin"));
    }

    [Fact]
    public void ARememberedToken_IsReadAgain_AfterFiveMinutes_AndNeverPastItsExpiry()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
        var expires = clock.GetUtcNow().AddMinutes(7);
        var inner = new CountingFormat(() => Ticket(expires));
        using var format = new CachedBearerTokenFormat(inner, clock);

        format.Unprotect("abc");
        clock.Advance(TimeSpan.FromMinutes(4));
        format.Unprotect("abc");
        Assert.Equal(1, inner.Reads);

        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1)); // five minutes after the first read
        format.Unprotect("abc");
        Assert.Equal(2, inner.Reads);

        clock.Advance(TimeSpan.FromMinutes(2)); // past the token's own expiry: read again (the handler then refuses it)
        format.Unprotect("abc");
        Assert.Equal(3, inner.Reads);
    }

    [Fact]
    public void AnUnreadableToken_IsNotRemembered_AndOtherPurposesPassThrough()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
        var inner = new CountingFormat(() => null);
        using var format = new CachedBearerTokenFormat(inner, clock);

        Assert.Null(format.Unprotect("forged"));
        Assert.Null(format.Unprotect("forged"));
        Assert.Equal(2, inner.Reads);

        Assert.Null(format.Unprotect("abc", "another purpose"));
        Assert.Equal(3, inner.Reads);
    }
}
