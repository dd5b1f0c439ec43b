using Grassroots.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Which database to use. PostgreSQL when <c>ConnectionStrings:Postgres</c> is set; otherwise SQLite at
/// <c>ConnectionStrings:Sqlite</c>, by default a file in the user's local data folder.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public static DatabaseSettings From(IConfiguration config)
    {
        var pg = config.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(pg)) return new(DatabaseProvider.Postgres, pg);
        var sqlite = config.GetConnectionString("Sqlite");
        if (string.IsNullOrWhiteSpace(sqlite))
        {
            var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "Grassroots");
            Directory.CreateDirectory(folder);
            sqlite = $"Data Source={Path.Combine(folder, "grassroots.db")}";
        }
        return new(DatabaseProvider.Sqlite, sqlite);
    }

    public override string ToString() => Provider == DatabaseProvider.Postgres ? "PostgreSQL" : "SQLite (" + ConnectionString.Replace("Data Source=", "", StringComparison.Ordinal) + ")";
}

public static class DatabaseSetup
{
    /// <summary>
    /// Registers <see cref="GrassrootsDb"/> on the configured provider, with the audit interceptor. The options — and
    /// the one interceptor — are built once per process, not per request: a context costs only its own construction.
    /// </summary>
    public static IServiceCollection AddGrassrootsData(this IServiceCollection services, DatabaseSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<AuditInterceptor>();
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            // One data source (one connection pool) for the contexts and for the check-in writer's own statements.
            services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(settings.ConnectionString));
            services.AddDbContext<PostgresGrassrootsDb>((sp, o) => o
                .UseNpgsql(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), x => x.MigrationsAssembly(typeof(GrassrootsDb).Assembly.FullName))
                .AddInterceptors(sp.GetRequiredService<AuditInterceptor>()), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
            services.AddScoped<GrassrootsDb>(sp => sp.GetRequiredService<PostgresGrassrootsDb>());
        }
        else
        {
            services.AddDbContext<SqliteGrassrootsDb>((sp, o) => o
                .UseSqlite(settings.ConnectionString)
                .AddInterceptors(sp.GetRequiredService<AuditInterceptor>()), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
            services.AddScoped<GrassrootsDb>(sp => sp.GetRequiredService<SqliteGrassrootsDb>());
        }
        return services;
    }
}
