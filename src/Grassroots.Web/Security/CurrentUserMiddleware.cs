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
    public async Task InvokeAsync(HttpContext http, CurrentUser current, GrassrootsDb db, TimeProvider clock)
    {
        current.ClientAddress = http.Connection.RemoteIpAddress?.ToString();
        var principal = http.User;
        if (principal.Identity?.IsAuthenticated == true && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            // The account and its roles in one round trip: this runs on every authenticated request.
            var found = await db.Users.AsNoTracking().Where(u => u.Id == id)
                .Select(u => new { User = u, Roles = (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == u.Id select r.Name!).ToList() })
                .FirstOrDefaultAsync(http.RequestAborted);
            var user = found?.User;
            var stamp = principal.FindFirstValue(new IdentityOptions().ClaimsIdentity.SecurityStampClaimType);
            var locked = user?.LockoutEnd is { } end && end > clock.GetUtcNow();
            if (user is not null && !user.IsDisabled && !locked && stamp == user.SecurityStamp)
            {
                var roles = found!.Roles;
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
