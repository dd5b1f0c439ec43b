using System.Collections.Concurrent;
using System.Security.Claims;
using Grassroots.Data;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Security;

/// <summary>
/// Builds <see cref="CurrentUser"/> for each request from the account in the database (not from the token's
/// claims alone): a disabled, locked or re-stamped account, or a changed role or scope, takes effect on the
/// next request. The scope never comes from the request.
/// </summary>
internal sealed class CurrentUserMiddleware(RequestDelegate next)
{
    /// <summary>The account and its role names in one round trip, one row per role (a left join: an account without
    /// roles gives one row with no name). Compiled once per context type (a compiled query keeps the model of its first
    /// context): this runs on every authenticated request.</summary>
    static readonly ConcurrentDictionary<Type, Func<GrassrootsDb, Guid, IAsyncEnumerable<AccountRow>>> Accounts = new();

    static Func<GrassrootsDb, Guid, IAsyncEnumerable<AccountRow>> Account(GrassrootsDb db) =>
        Accounts.GetOrAdd(db.GetType(), static _ => EF.CompileAsyncQuery((GrassrootsDb db, Guid id) =>
            from u in db.Users.AsNoTracking()
            where u.Id == id
            join ur in db.UserRoles on u.Id equals ur.UserId into userRoles
            from ur in userRoles.DefaultIfEmpty()
            join r in db.Roles on ur!.RoleId equals r.Id into roles
            from r in roles.DefaultIfEmpty()
            select new AccountRow(u, r == null ? null : r.Name)));

    sealed record AccountRow(AppUser User, string? Role);

    static readonly string SecurityStampClaim = new IdentityOptions().ClaimsIdentity.SecurityStampClaimType;

    public async Task InvokeAsync(HttpContext http, CurrentUser current, TimeProvider clock)
    {
        current.ClientAddress = http.Connection.RemoteIpAddress?.ToString();
        var principal = http.User;
        if (principal.Identity?.IsAuthenticated == true && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<AccountCheckedWithTheWrite>() is not null)
            {
                // The endpoint reads the account in its own write transaction (one read per batch of check-ins).
                current.Claimed(id, principal.Identity.Name ?? "", principal.FindFirstValue(SecurityStampClaim));
                await next(http);
                return;
            }
            var db = http.RequestServices.GetRequiredService<GrassrootsDb>(); // not built for the check-ins above
            AppUser? user = null;
            var roles = new List<string>(2);
            await foreach (var row in Account(db)(db, id).WithCancellation(http.RequestAborted))
            {
                user ??= row.User;
                if (row.Role is { } role) roles.Add(role);
            }
            var stamp = principal.FindFirstValue(SecurityStampClaim);
            var locked = user?.LockoutEnd is { } end && end > clock.GetUtcNow();
            if (user is not null && !user.IsDisabled && !locked && stamp == user.SecurityStamp)
            {
                var scopePath = user.ScopeCode is { } code ? RegionCatalog.Embedded.Find(code)?.Path : null;
                current.SignedIn(user, roles, scopePath);
            }
            else
            {
                http.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
        }
        await next(http);
    }
}

/// <summary>
/// Marks an endpoint that checks the signed-in account itself, in the same transaction as its write: the account check
/// of <see cref="CurrentUserMiddleware"/> (disabled, locked, re-stamped, roles) is then done there — once per batch —
/// instead of once per request. Only check-ins use it: the busiest write, and one that needs no scope.
/// </summary>
internal sealed class AccountCheckedWithTheWrite;

