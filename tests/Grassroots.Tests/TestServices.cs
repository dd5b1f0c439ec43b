using Microsoft.Extensions.Configuration;
using Grassroots.Audit;
using Grassroots.Data;
using Grassroots.Demo;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Grassroots.Tests;

public enum TestDatabase
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The core services as the web host registers them (data, identity, accounts, people, registry, demo seeder),
/// without HTTP, on a fresh database of their own: a temporary SQLite file, or a new database on the PostgreSQL
/// server named by <c>GRASSROOTS_TEST_PG</c> (set by scripts/test; PostgreSQL tests fail, never skip, without it).
/// The database is migrated and holds the reference data. Time is a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class TestServices : IAsyncDisposable
{
    /// <summary>2026-11-27 10:00 China time.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    readonly string? sqlitePath;
    readonly string? pgDatabase;

    TestServices(TestDatabase database, DatabaseSettings settings, string? sqlitePath, string? pgDatabase)
    {
        Database = database;
        this.sqlitePath = sqlitePath;
        this.pgDatabase = pgDatabase;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddHttpContextAccessor();
        services.AddAuthentication();
        var connection = settings.Provider == DatabaseProvider.Postgres ? "ConnectionStrings:Postgres" : "ConnectionStrings:Sqlite";
        services.AddGrassrootsCore(new ConfigurationBuilder().AddInMemoryCollection([new(connection, settings.ConnectionString)]).Build());
        services.AddSingleton(SaveCounter);
        if (settings.Provider == DatabaseProvider.Postgres)
            services.ConfigureDbContext<PostgresGrassrootsDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<SaveChangesCounter>()));
        else
            services.ConfigureDbContext<SqliteGrassrootsDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<SaveChangesCounter>()));
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; } = new(DefaultNow);

    public ServiceProvider Services { get; }

    /// <summary>Counts the SaveChanges calls made through these services (e.g. to check that a job writes in bulk).</summary>
    public SaveChangesCounter SaveCounter { get; } = new();

    /// <summary>Creates a fresh, migrated database with the reference data loaded.</summary>
    public static async Task<TestServices> StartAsync(TestDatabase database, CancellationToken ct)
    {
        var name = "gr_unit_" + Guid.NewGuid().ToString("N")[..16];
        TestServices services;
        if (database == TestDatabase.Postgres)
        {
            await using (var conn = new NpgsqlConnection(PgConnection("postgres")))
            {
                await conn.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            services = new TestServices(database, new DatabaseSettings(DatabaseProvider.Postgres, PgConnection(name)), null, name);
        }
        else
        {
            var path = Path.Combine(Path.GetTempPath(), name + ".db");
            services = new TestServices(database, new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={path}"), path, null);
        }
        await services.WithSystemDbAsync(db => DatabaseInitializer.MigrateAsync(db, ct));
        return services;
    }

    static string PgConnection(string database)
    {
        var server = Environment.GetEnvironmentVariable("GRASSROOTS_TEST_PG")
            ?? throw new InvalidOperationException("GRASSROOTS_TEST_PG is not set: run the tests with scripts/test, which starts a throwaway PostgreSQL.");
        return $"{server};Database={database};Pooling=true;Maximum Pool Size=20";
    }

    /// <summary>Runs code in a new scope as the system actor (sees everything).</summary>
    public async Task<T> AsSystemAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await work(scope.ServiceProvider);
    }

    public Task<T> WithSystemDbAsync<T>(Func<GrassrootsDb, Task<T>> work) => AsSystemAsync(sp => work(sp.GetRequiredService<GrassrootsDb>()));

    public Task WithSystemDbAsync(Func<GrassrootsDb, Task> work) => WithSystemDbAsync(async db => { await work(db); return 0; });

    /// <summary>Runs code in a new scope signed in as <paramref name="userName"/>, with that account's roles and scope.</summary>
    public async Task<T> AsUserAsync<T>(string userName, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"No account {userName}.");
        var roles = await users.GetRolesAsync(user);
        var scopePath = user.ScopeCode is { } code ? RegionCatalog.Embedded.Find(code)?.Path : null;
        sp.GetRequiredService<CurrentUser>().SignedIn(user, roles, scopePath);
        return await work(sp);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (sqlitePath is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm" }) File.Delete(f);
        }
        if (pgDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(PgConnection("postgres"));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{pgDatabase}\" WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Counts successful SaveChanges calls across all contexts of one <see cref="TestServices"/>.</summary>
public sealed class SaveChangesCounter : SaveChangesInterceptor
{
    int count;

    public int Count => Volatile.Read(ref count);

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Interlocked.Increment(ref count);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref count);
        return ValueTask.FromResult(result);
    }
}
