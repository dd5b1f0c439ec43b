using Grassroots.Data;
using Grassroots.Demo;
using Grassroots.Exchange;
using Grassroots.People;
using Grassroots.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Cli;

/// <summary>
/// The command's configuration and services, built as the web host builds them: the same configuration keys
/// (appsettings.json in the working folder, then environment variables such as <c>ConnectionStrings__Postgres</c>,
/// then the command-line options), the same database choice (<see cref="DatabaseSettings.From"/>), the same account
/// rules (Identity with the <c>Grassroots:Security</c> password policy) and the same feature services.
/// </summary>
internal static class CliServices
{
    public static IConfiguration Configuration(string? connection, string? postgres, string? sqlite)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var overrides = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(connection))
        {
            if (LooksLikePostgres(connection)) postgres = connection;
            else sqlite = connection;
        }
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            overrides["ConnectionStrings:Postgres"] = postgres;
        }
        else if (!string.IsNullOrWhiteSpace(sqlite))
        {
            overrides["ConnectionStrings:Postgres"] = ""; // an explicit SQLite choice wins over a PostgreSQL set in the environment
            overrides["ConnectionStrings:Sqlite"] = sqlite.Contains('=', StringComparison.Ordinal) ? sqlite : $"Data Source={sqlite}";
        }
        return new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
    }

    static bool LooksLikePostgres(string connection) =>
        connection.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connection.Contains("Server=", StringComparison.OrdinalIgnoreCase)
        || connection.StartsWith("postgres", StringComparison.OrdinalIgnoreCase);

    public static ServiceProvider Build(IConfiguration config)
    {
        var services = new ServiceCollection();
        services.AddSingleton(config);
        services.AddLogging();
        services.AddAuthentication(); // the sign-in manager that AccountService uses needs the scheme provider
        services.AddGrassrootsCore(config);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
