using Grassroots.Audit;
using Grassroots.Data;
using Grassroots.Demo;
using Grassroots.Exchange;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Grassroots;

/// <summary>
/// The services every host of Grassroots needs — the web app, the command line, benchmarks and tests — registered
/// once: the acting user, the clock, the database of the configured provider, accounts (Identity with the
/// configured password and lockout policy) and the feature services.
/// </summary>
public static class GrassrootsServices
{
    public static IServiceCollection AddGrassrootsCore(this IServiceCollection services, IConfiguration config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<CurrentUser>();
        services.AddGrassrootsData(DatabaseSettings.From(config));
        services.Configure<SecurityOptions>(config.GetSection(SecurityOptions.Section));
        services.Configure<ImportOptions>(config.GetSection(ImportOptions.Section));

        services.AddDataProtection(); // Identity's token providers need it; the web host also persists its keys
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
            .AddUserManager<GrassrootsUserManager>()
            .AddSignInManager()
            .AddErrorDescriber<ChineseIdentityErrorDescriber>()
            .AddPasswordValidator<BreachedPasswordValidator>()
            .AddDefaultTokenProviders();

        services.AddScoped<PersonValidator>();
        services.AddScoped<PeopleService>();
        services.AddScoped<RegistryService>();
        services.AddScoped<AuditService>();
        services.AddScoped<AccountService>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<RosterExporter>();
        services.AddScoped<ImportTemplateBuilder>();
        services.AddScoped<PeopleImporter>();
        services.AddScoped<Codes.CodeTableService>();
        services.Configure<AuditOptions>(config.GetSection(AuditOptions.Section));
        services.AddScoped<AuditRetention>();
        services.AddScoped<Dispatch.PlanningService>();
        services.AddScoped<Dispatch.PlanExporter>();
        services.AddSingleton<Dispatch.PlanRunQueue>();
        services.AddScoped<Selection.RoundService>();
        services.AddScoped<Selection.CandidateService>();
        services.Configure<Manage.ManageOptions>(config.GetSection(Manage.ManageOptions.Section));
        services.AddScoped<Manage.CadreService>();
        services.AddScoped<Manage.CheckInBatchWriter>();
        services.AddScoped<Manage.CheckInService>();
        services.AddScoped<Manage.CheckInIntake>();
        services.AddScoped<Manage.KeyPeriodService>();
        services.AddScoped<Manage.LeaveService>();
        services.AddScoped<Manage.OnPostService>();
        services.AddScoped<Manage.PositionRetention>();
        services.AddScoped<Manage.DashboardService>();
        Manage.OversightServices.AddGrassrootsOversight(services, config);
        return services;
    }
}
