using Grassroots.Audit;
using Grassroots.Data;
using Grassroots.Security;
using Microsoft.AspNetCore.Identity;

namespace Grassroots.Web.Security;

internal static class LogoutEndpoint
{
    /// <summary>POST /logout (anti-forgery checked): ends the cookie session and audits it.</summary>
    public static IEndpointRouteBuilder MapLogout(this IEndpointRouteBuilder app)
    {
        app.MapPost("/logout", async (SignInManager<AppUser> signIn, CurrentUser user, GrassrootsDb db, TimeProvider clock, CancellationToken ct) =>
        {
            if (user.IsAuthenticated)
            {
                db.AuditEntries.Add(new AuditEntry { AtUtc = clock.GetUtcNow().UtcDateTime, UserId = user.Id, UserName = user.UserName, Event = AuditEvents.Logout, ClientAddress = user.ClientAddress });
                await db.SaveChangesAsync(ct);
            }
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/login");
        }).ExcludeFromDescription();
        return app;
    }
}
