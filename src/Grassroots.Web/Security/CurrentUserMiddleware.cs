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
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, http.RequestAborted);
            var stamp = principal.FindFirstValue(new IdentityOptions().ClaimsIdentity.SecurityStampClaimType);
            var locked = user?.LockoutEnd is { } end && end > clock.GetUtcNow();
            if (user is not null && !user.IsDisabled && !locked && stamp == user.SecurityStamp)
            {
                var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == id select r.Name!).ToListAsync(http.RequestAborted);
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
