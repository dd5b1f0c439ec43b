using System.Net;
using System.Net.Http.Json;
using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.Manage;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Web.Tests.Manage;

/// <summary>
/// Raw positions are kept only as long as the policy says (SECURITY.md): past the retention a check-in keeps what was
/// judged from its position and loses the position itself; a flagged check-in awaiting review keeps it until reviewed.
/// </summary>
public abstract class PositionRetentionTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    async Task<Guid> CheckInAsync(StationedCadre cadre, string key, double accuracy = 15)
    {
        var response = await cadre.CheckInAsync(ManageKit.Body(key, app.Clock.GetUtcNow(), ManageKit.VillageLat + 0.001, ManageKit.VillageLon, accuracy));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().Where(c => c.PersonId == cadre.PersonId && c.ClientKey == key).Select(c => c.Id).SingleAsync(Ct));
    }

    /// <summary>Makes a stored check-in <paramref name="days"/> business days old (its day is what retention counts).</summary>
    Task AgeAsync(Guid id, int days) => app.WithSystemDbAsync(db =>
        db.CheckIns.IgnoreQueryFilters().Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Date, ChinaTime.Today(app.Clock).AddDays(-days)), Ct));

    async Task<int> PurgeAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await scope.ServiceProvider.GetRequiredService<PositionRetention>().PurgeAsync(Ct);
    }

    Task<CheckIn> RowAsync(Guid id) => app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == id, Ct));

    [Fact]
    public async Task Purge_ClearsPositionsPastNinetyDays_KeepsTheJudgement_AndKeepsFlaggedOnesUntilReviewed()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var old = await CheckInAsync(cadre, "old");
        var edge = await CheckInAsync(cadre, "edge");
        var flagged = await CheckInAsync(cadre, "flagged", accuracy: 500);
        var reviewed = await CheckInAsync(cadre, "reviewed", accuracy: 500);
        var recent = await CheckInAsync(cadre, "recent");
        await AgeAsync(old, 91);
        await AgeAsync(edge, 90);
        await AgeAsync(flagged, 120);
        await AgeAsync(reviewed, 120);
        var township = await app.ClientAsAsync("pulan.township");
        Assert.Equal(HttpStatusCode.OK, (await township.PostAsJsonAsync($"/api/checkins/{reviewed}/review", new { note = "已电话核实" }, Ct)).StatusCode);
        var before = await RowAsync(old);

        var cleared = await PurgeAsync();

        Assert.True(cleared >= 2, $"cleared {cleared}");
        var purged = await RowAsync(old);
        Assert.Null(purged.Latitude);
        Assert.Null(purged.Longitude);
        Assert.Equal(before.DistanceMetres, purged.DistanceMetres);
        Assert.Equal(before.OnPost, purged.OnPost);
        Assert.Equal(before.PayloadHash, purged.PayloadHash);
        Assert.Null((await RowAsync(reviewed)).Latitude);
        Assert.NotNull((await RowAsync(edge)).Latitude); // exactly 90 days old: still within the retention
        Assert.NotNull((await RowAsync(flagged)).Latitude); // awaiting review
        Assert.Equal(CheckInFlags.PoorAccuracy, (await RowAsync(flagged)).Flags);
        Assert.NotNull((await RowAsync(recent)).Longitude);

        var audit = await app.WithSystemDbAsync(db => db.AuditEntries.Where(a => a.Event == PositionRetention.PurgeEvent).ToListAsync(Ct));
        Assert.Contains(audit, a => a.Detail!.Contains($"{cleared} 条", StringComparison.Ordinal) && a.Detail.Contains("90 天", StringComparison.Ordinal));
        Assert.Equal(0, await PurgeAsync()); // nothing left to clear, and no audit row for nothing
        Assert.Equal(audit.Count, await app.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.Event == PositionRetention.PurgeEvent, Ct)));
    }

    [Fact]
    public async Task Resend_OfAPurgedCheckIn_StillAnswersTheFirstAnswer()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var body = ManageKit.Body("resend-after-purge", app.Clock.GetUtcNow(), ManageKit.VillageLat, ManageKit.VillageLon);
        var first = await cadre.CheckInAsync(body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = await app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().Where(c => c.PersonId == cadre.PersonId).Select(c => c.Id).SingleAsync(Ct));
        await AgeAsync(id, 100);
        await PurgeAsync();
        Assert.Null((await RowAsync(id)).Latitude);

        var again = await cadre.CheckInAsync(body);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await again.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Purge_ByASignedInUser_IsForbidden()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var admin = await app.WithSystemDbAsync(db => db.Users.SingleAsync(u => u.UserName == "sysadmin", Ct));
        scope.ServiceProvider.GetRequiredService<CurrentUser>().SignedIn(admin, [Roles.SystemAdmin], "/");
        await Assert.ThrowsAsync<ForbiddenException>(() => scope.ServiceProvider.GetRequiredService<PositionRetention>().PurgeAsync(Ct));
    }
}

public sealed class PositionRetentionTestsSqlite(SqliteApp app) : PositionRetentionTests(app), IClassFixture<SqliteApp>;

public sealed class PositionRetentionTestsPostgres(PostgresApp app) : PositionRetentionTests(app), IClassFixture<PostgresApp>;

/// <summary>A retention shorter than the suspicion rules look back is refused with the setting's name.</summary>
public sealed class PositionRetentionSettingTests
{
    [Fact]
    public void Cutoff_WithFewerThanFourteenDays_IsRefused_NamingTheSetting()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new ManageOptions { PositionRetentionDays = 7 });
        var retention = new PositionRetention(null!, new CurrentUser(), TimeProvider.System, options);
        var error = Assert.Throws<ValidationException>(() => retention.Cutoff());
        Assert.Contains("PositionRetentionDays", error.Errors["positionRetentionDays"][0], StringComparison.Ordinal);
    }
}
