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
using Grassroots.Web.People;
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

    public static WebApplicationBuilder AddGrassroots(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        services.TryAddSingletonTimeProvider();
        services.AddScoped<CurrentUser>();
        services.AddGrassrootsData(DatabaseSettings.From(config));
        services.Configure<SecurityOptions>(config.GetSection(SecurityOptions.Section));
        services.Configure<GrassrootsOptions>(config.GetSection(GrassrootsOptions.Section));

        var security = config.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        services.AddIdentityCore<AppUser>(o =>
            {
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = security.MaxFailedAttempts;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(security.LockoutMinutes);
                o.Password.RequiredLength = security.PasswordMinLength;
                o.Password.RequireDigit = security.PasswordRequireDigit;
                o.Password.RequireLowercase = security.PasswordRequireLower;
                o.Password.RequireUppercase = security.PasswordRequireUpper;
                o.Password.RequireNonAlphanumeric = security.PasswordRequireSymbol;
                o.User.RequireUniqueEmail = false;
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._";
            })
            .AddRoles<AppRole>()
            .AddEntityFrameworkStores<GrassrootsDb>()
            .AddSignInManager()
            .AddErrorDescriber<ChineseIdentityErrorDescriber>()
            .AddPasswordValidator<BreachedPasswordValidator>()
            .AddDefaultTokenProviders();

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
                c.Events.OnValidatePrincipal = ctx =>
                {
                    // Absolute timeout: a session ends a fixed time after sign-in however active it is.
                    var clock = ctx.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                    if (ctx.Properties.IssuedUtc is { } issued && clock.GetUtcNow() - issued > TimeSpan.FromHours(security.AbsoluteTimeoutHours))
                        ctx.RejectPrincipal();
                    return Task.CompletedTask;
                };
            }));
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();

        services.AddDataProtection().SetApplicationName("Grassroots").PersistKeysToDbContext<GrassrootsDb>();
        services.AddAntiforgery(o => o.Cookie.Name = "grassroots.csrf");

        services.AddScoped<PersonValidator>();
        services.AddScoped<PeopleService>();
        services.AddScoped<RegistryService>();
        services.AddScoped<AuditService>();
        services.AddScoped<AccountService>();
        services.AddScoped<DemoSeeder>();

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
        return builder;
    }

    static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
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
        app.UseExceptionHandler();
        app.UseStatusCodePages();
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
        app.MapRegistryEndpoints();
        app.MapAuditEndpoints();
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
