using System.Text.Json.Serialization;
using Grassroots.Audit;
using Grassroots.Data;
using Grassroots.Demo;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Web.Audit;
using Grassroots.Web.Common;
using Grassroots.Web.Components;
using Grassroots.Web.Exchange;
using Grassroots.Web.Manage;
using Grassroots.Web.People;
using Grassroots.Web.Dispatch;
using Grassroots.Web.Regions;
using Grassroots.Web.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web;

/// <summary>Everything the web host registers and maps: the public surface is AddGrassroots / UseGrassroots.</summary>
internal static class Hosting
{
    public const string SmartScheme = "grassroots";
    const string SignedInAtKey = "grassroots.signed-in-at";

    public static WebApplicationBuilder AddGrassroots(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        services.AddGrassrootsCore(config);
        services.Configure<GrassrootsOptions>(config.GetSection(GrassrootsOptions.Section));
        var security = config.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie or bearer", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? IdentityConstants.BearerScheme
                    : IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, o =>
            {
                o.BearerTokenExpiration = TimeSpan.FromMinutes(security.IdleTimeoutMinutes);
                o.RefreshTokenExpiration = TimeSpan.FromHours(security.AbsoluteTimeoutHours);
            })
            .AddIdentityCookies(o => o.ApplicationCookie?.Configure(c =>
            {
                c.LoginPath = "/login";
                c.LogoutPath = "/logout";
                c.AccessDeniedPath = "/forbidden";
                c.ExpireTimeSpan = TimeSpan.FromMinutes(security.IdleTimeoutMinutes);
                c.SlidingExpiration = true;
                c.Cookie.Name = "grassroots.auth";
                c.Cookie.HttpOnly = true;
                c.Cookie.SameSite = SameSiteMode.Strict;
                c.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                c.Events.OnRedirectToLogin = ctx => ApiAware(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status401Unauthorized);
                c.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status403Forbidden);
                // Absolute timeout: a session ends a fixed time after sign-in however active it is. The sign-in time
                // is kept in the ticket: IssuedUtc moves forward each time sliding expiration renews the cookie.
                c.Events.OnSigningIn = ctx =>
                {
                    var clock = ctx.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                    ctx.Properties.Items[SignedInAtKey] = clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                    return Task.CompletedTask;
                };
                c.Events.OnValidatePrincipal = ctx =>
                {
                    var clock = ctx.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                    var signedIn = ctx.Properties.Items.TryGetValue(SignedInAtKey, out var at)
                        && DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var t)
                            ? t
                            : ctx.Properties.IssuedUtc;
                    if (signedIn is null || clock.GetUtcNow() - signedIn > TimeSpan.FromHours(security.AbsoluteTimeoutHours))
                        ctx.RejectPrincipal();
                    return Task.CompletedTask;
                };
            }));
        // Runs after the bearer handler's own setup, which creates the Data Protection reader this wraps.
        services.AddOptions<Microsoft.AspNetCore.Authentication.BearerToken.BearerTokenOptions>(IdentityConstants.BearerScheme)
            .PostConfigure<TimeProvider>((o, clock) => o.BearerTokenProtector = new CachedBearerTokenFormat(o.BearerTokenProtector, clock));
        services.AddAuthorization();
        services.AddHostedService<PlanRunWorker>();
        services.AddCascadingAuthenticationState();

        services.AddDataProtection().SetApplicationName("Grassroots").PersistKeysToDbContext<GrassrootsDb>();
        services.AddAntiforgery(o => o.Cookie.Name = "grassroots.csrf");


        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddLocalization();
        services.AddRazorComponents();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            string[] cultures = ["zh-CN", "en"];
            o.SetDefaultCulture("zh-CN").AddSupportedCultures(cultures).AddSupportedUICultures(cultures);
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        services.AddHttpContextAccessor();
        // Check-ins are committed in groups by one background writer per instance (see CheckInWriter).
        services.AddSingleton<Grassroots.Manage.CheckInWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Grassroots.Manage.CheckInWriter>());
        services.AddHostedService<PositionRetentionWorker>();
        return builder;
    }

    static Task ApiAware(HttpContext http, string redirectUri, int status)
    {
        if (http.Request.Path.StartsWithSegments("/api")) http.Response.StatusCode = status;
        else http.Response.Redirect(redirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Migrates, loads reference data and, in demo mode, seeds the demo data set and prints the accounts.</summary>
    public static async Task InitialiseGrassrootsAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var sp = scope.ServiceProvider;
        sp.GetRequiredService<CurrentUser>().ActAsSystem("startup");
        var db = sp.GetRequiredService<GrassrootsDb>();
        var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Grassroots");
        var settings = sp.GetRequiredService<DatabaseSettings>();
        log.LogInformation("Database: {Database}", settings);
        await DatabaseInitializer.MigrateAsync(db, app.Lifetime.ApplicationStopping);
        if (settings.Provider == DatabaseProvider.Postgres) await CheckDurabilityAsync(db, sp.GetRequiredService<IOptions<GrassrootsOptions>>().Value, log);

        var options = sp.GetRequiredService<IOptions<GrassrootsOptions>>().Value;
        if (options.Demo)
        {
            var seeded = await sp.GetRequiredService<DemoSeeder>().SeedAsync(app.Lifetime.ApplicationStopping);
            Console.WriteLine(seeded ? "Demo data set loaded." : "Demo data set already present.");
            Console.WriteLine($"Demo accounts (password {DemoSeeder.Password}):");
            foreach (var a in DemoSeeder.Accounts) Console.WriteLine($"  {a.UserName,-16} {a.Description}");
        }
        else if (!await db.Users.AnyAsync())
        {
            Console.WriteLine("No accounts exist. Create the first administrator with: grassroots users create --user admin --role system-admin");
        }
    }

    static async Task CheckDurabilityAsync(GrassrootsDb db, GrassrootsOptions options, ILogger log)
    {
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync();
        try
        {
            foreach (var setting in new[] { "fsync", "synchronous_commit" })
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = "SHOW " + setting;
                var value = (string?)await cmd.ExecuteScalarAsync();
                if (value is not ("on" or "remote_apply" or "remote_write"))
                {
                    if (!options.AllowUnsafeDurability)
                        throw new InvalidOperationException($"PostgreSQL {setting} is '{value}': acknowledged writes could be lost. Turn it on, or set Grassroots:AllowUnsafeDurability for a throwaway database.");
                    log.LogWarning("PostgreSQL {Setting} is {Value}; acknowledged writes could be lost", setting, value);
                }
            }
        }
        finally
        {
            await conn.CloseAsync();
        }
    }

    public static WebApplication UseGrassroots(this WebApplication app)
    {
        app.UseMiddleware<AccessDeniedAuditMiddleware>(); // outermost: sees the final status, whoever set it
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use((http, next) =>
        {
            // A NUL in a query value is never meaningful, and PostgreSQL cannot take it as text: refuse it (400), never a 500.
            foreach (var (_, values) in http.Request.Query)
            {
                foreach (var v in values)
                {
                    if (v is not null && v.Contains('\0', StringComparison.Ordinal)) throw new BadHttpRequestException("查询参数含有空字符（NUL）。");
                }
            }
            return next(http);
        });
        app.UseErrorPagesForPages();
        app.Use(async (http, next) =>
        {
            var h = http.Response.Headers;
            h.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
            h.XContentTypeOptions = "nosniff";
            h["Referrer-Policy"] = "no-referrer";
            h.XFrameOptions = "DENY";
            await next(http);
        });
        app.UseRequestLocalization();
        app.MapStaticAssets();
        app.UseAuthentication();
        app.UseMiddleware<CurrentUserMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapAuthEndpoints();
        app.MapLogout();
        app.MapPeopleEndpoints();
        app.MapExchangeEndpoints();
        app.MapRegistryEndpoints();
        app.MapAuditEndpoints();
        app.MapPlanEndpoints();
        Selection.SelectionEndpoints.MapSelectionEndpoints(app);
        app.MapManageEndpoints();
        app.MapOversightEndpoints();
        app.MapCultureSwitch();
        app.MapRazorComponents<App>();
        return app;
    }
}

/// <summary>Product settings (section <c>Grassroots</c>).</summary>
public sealed class GrassrootsOptions
{
    public const string Section = "Grassroots";

    /// <summary>Demo mode: seed the demo data set and its accounts on first start. Off in production.</summary>
    public bool Demo { get; set; }

    /// <summary>Lets the app start on a PostgreSQL with fsync or synchronous_commit off (throwaway databases only).</summary>
    public bool AllowUnsafeDurability { get; set; }
}
