using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grassroots.Data;
using Grassroots.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Grassroots.Web.Tests.Infrastructure;

public enum TestDatabase
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real web application through WebApplicationFactory, on a fresh database of its own: a temporary SQLite
/// file, or a new database on the PostgreSQL server named by <c>GRASSROOTS_TEST_PG</c> (set by scripts/test).
/// PostgreSQL tests fail, never skip, when that server is missing. Time is a <see cref="FakeTimeProvider"/>.
/// </summary>
public abstract class GrassrootsApp(TestDatabase database) : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = TestData.Password;

    readonly string name = "gr_test_" + Guid.NewGuid().ToString("N")[..16];
    string? sqlitePath;
    string? pgBase;

    public TestDatabase Database { get; } = database;

    /// <summary>The application's clock: 2026-11-27 10:00 China time unless a test advances it.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));

    public TestData Data { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        if (Database == TestDatabase.Postgres)
        {
            builder.UseSetting("ConnectionStrings:Postgres", PgConnection(name));
        }
        else
        {
            sqlitePath = Path.Combine(Path.GetTempPath(), name + ".db");
            builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={sqlitePath}");
        }
        builder.UseSetting("Grassroots:Demo", "false");
        ConfigureSettings(builder);
        builder.ConfigureTestServices(s =>
        {
            s.RemoveAll<TimeProvider>();
            s.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>Lets a fixture change settings (e.g. the lockout threshold).</summary>
    protected virtual void ConfigureSettings(IWebHostBuilder builder)
    {
    }

    public async ValueTask InitializeAsync()
    {
        if (Database == TestDatabase.Postgres)
        {
            await using var conn = new NpgsqlConnection(PgConnection("postgres"));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        _ = Server; // starts the host: migrations and reference data
        await WithSystemDbAsync(db => Data.SeedAsync(Services, db));
    }

    string PgConnection(string database)
    {
        pgBase ??= Environment.GetEnvironmentVariable("GRASSROOTS_TEST_PG")
            ?? throw new InvalidOperationException("GRASSROOTS_TEST_PG is not set: run the tests with scripts/test, which starts a throwaway PostgreSQL.");
        return $"{pgBase};Database={database};Pooling=true;Maximum Pool Size=20";
    }

    /// <summary>Runs code against the database as the system actor (sees everything).</summary>
    public async Task<T> WithSystemDbAsync<T>(Func<GrassrootsDb, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await work(scope.ServiceProvider.GetRequiredService<GrassrootsDb>());
    }

    public Task WithSystemDbAsync(Func<GrassrootsDb, Task> work) => WithSystemDbAsync(async db => { await work(db); return 0; });

    /// <summary>A client that holds a bearer token for <paramref name="userName"/>.</summary>
    public async Task<HttpClient> ClientAsAsync(string userName, string password = Password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    public HttpClient AnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public sealed record TokenResponse(string AccessToken, int ExpiresIn);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (sqlitePath is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm" }) File.Delete(f);
        }
        if (Database == TestDatabase.Postgres && pgBase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(PgConnection("postgres"));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteApp() : GrassrootsApp(TestDatabase.Sqlite);

public sealed class PostgresApp() : GrassrootsApp(TestDatabase.Postgres);
