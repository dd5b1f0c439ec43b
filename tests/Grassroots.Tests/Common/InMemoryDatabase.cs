using Grassroots.Audit;
using Grassroots.Data;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Grassroots.Tests.Common;

/// <summary>
/// A private SQLite database in memory with the product's migrations applied, and contexts on it with the
/// audit interceptor, as the application registers them. The database lives as long as this object.
/// </summary>
public sealed class InMemoryDatabase : IDisposable
{
    readonly SqliteConnection connection = new("Data Source=:memory:");

    public InMemoryDatabase()
    {
        connection.Open();
        using var db = Open(CurrentUser.System("setup"));
        db.Database.Migrate();
    }

    /// <summary>2026-11-27 10:00 in Beijing.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));

    /// <summary>A new context (own change tracker) acting as <paramref name="user"/>.</summary>
    public SqliteGrassrootsDb Open(CurrentUser user) =>
        new(new DbContextOptionsBuilder<SqliteGrassrootsDb>()
            .UseSqlite(connection)
            .AddInterceptors(new AuditInterceptor(Clock))
            .Options, user);

    public void Dispose() => connection.Dispose();
}

/// <summary>Signed-in users as the web layer builds them.</summary>
public static class TestUsers
{
    public static CurrentUser SignedIn(string userName, string role, string scopeCode)
    {
        var account = new AppUser { UserName = userName, DisplayName = userName, ScopeCode = scopeCode };
        var user = new CurrentUser { ClientAddress = "10.0.0.8" };
        user.SignedIn(account, [role], RegionCatalog.Embedded.Find(scopeCode)!.Path);
        return user;
    }

    /// <summary>A clerk of the Pulan county organisation department (542521).</summary>
    public static CurrentUser PulanCounty() => SignedIn("pulan.county", Roles.CountyOrg, "542521");
}
