using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Grassroots.Web.Components;

internal static class CultureEndpoint
{
    public static readonly string[] Cultures = ["zh-CN", "en"];

    /// <summary>
    /// POST /culture (anti-forgery checked): remembers the chosen language in the culture cookie for a year
    /// and goes back to the page the user was on. Only the supported cultures and local paths are accepted.
    /// </summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder app)
    {
        app.MapPost("/culture", ([FromForm] string? culture, [FromForm] string? returnUrl, HttpContext http, TimeProvider clock) =>
        {
            var chosen = Cultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase)) ?? Cultures[0];
            http.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions
                {
                    Expires = clock.GetUtcNow().AddYears(1),
                    HttpOnly = true,
                    SameSite = SameSiteMode.Lax,
                    IsEssential = true,
                    Secure = http.Request.IsHttps,
                });
            return TypedResults.LocalRedirect(IsLocalPath(returnUrl) ? returnUrl! : "/");
        }).ExcludeFromDescription();
        return app;
    }

    static bool IsLocalPath(string? url) =>
        url is { Length: > 0 } u && u[0] == '/' && (u.Length == 1 || u[1] is not ('/' or '\\')) && !u.Any(char.IsControl);
}
