using Grassroots.Audit;
using Grassroots.Data;
using Grassroots.Security;

namespace Grassroots.Web.Security;

/// <summary>
/// Writes an audit row for every request refused with 403 — an API call or a page, whichever check refused it
/// (a role that may not read people, a township revealing an ID number, a non-auditor on the audit search).
/// The object is the method and path; query strings are left out (they carry search text). It runs outermost,
/// so it sees the status the exception handler or the authorisation middleware set.
/// </summary>
internal sealed class AccessDeniedAuditMiddleware(RequestDelegate next, ILogger<AccessDeniedAuditMiddleware> log)
{
    public async Task InvokeAsync(HttpContext http, CurrentUser user, TimeProvider clock)
    {
        await next(http);
        if (http.Response.StatusCode != StatusCodes.Status403Forbidden) return;
        var db = http.RequestServices.GetRequiredService<GrassrootsDb>(); // only for a refused request
        db.ChangeTracker.Clear();
        var path = http.Request.Path.Value ?? "";
        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserId = user.Id,
            UserName = user.UserName,
            ClientAddress = user.ClientAddress,
            Event = AuditEvents.AccessDenied,
            ObjectType = "request",
            ObjectId = (http.Request.Method + " " + path) is var o && o.Length > 100 ? o[..100] : o,
            Result = AuditResults.Denied,
        });
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException)
        {
            // The request is refused either way; the failure to record it must reach the operators.
            log.LogError(e, "Could not write the audit row of a refused request");
        }
    }
}
