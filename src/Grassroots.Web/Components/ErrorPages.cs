using Microsoft.AspNetCore.Diagnostics;

namespace Grassroots.Web.Components;

internal static class ErrorPages
{
    /// <summary>
    /// An error status with no body on a page address (an address that matches nothing, a rejected form) is
    /// answered by the /not-found page, keeping the status; /api addresses keep their ProblemDetails answer
    /// from the status code pages registered before this.
    /// </summary>
    /// <remarks>
    /// Re-execution has to be registered on the application itself (inside a <c>UseWhen</c> branch it never
    /// re-routes), so API requests switch it off for themselves instead.
    /// </remarks>
    public static WebApplication UseErrorPagesForPages(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use((http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/api") && http.Features.Get<IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
            return next(http);
        });
        return app;
    }
}
