using Grassroots.Dispatch;
using Grassroots.Manage;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grassroots.Web.Tests.Manage;

/// <summary>
/// The PostgreSQL check-in writer's store when it has to be tried again: after its connection broke once the commit had
/// gone through, and after the server ended the writer's session.
/// </summary>
public sealed class CheckInPipelineTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    CheckInSubmission Submission(StationedCadre c, DateTime at, double metresNorth, string? reason = null, string? key = null)
    {
        var (lat, lon) = ManageKit.North(metresNorth);
        return new CheckInSubmission(c.PersonId, null, c.UserName, "127.0.0.1",
            new CheckInPayload(key ?? Guid.NewGuid().ToString("N"), at, lat, lon, 15, reason), at.AddSeconds(5));
    }

    async Task<PostgresCheckInBatch.Judged> JudgeAsync(CheckInSubmission s)
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(Ct);
        return await PostgresCheckInBatch.JudgeAsync(connection, [s], app.Services.GetRequiredService<IOptions<ManageOptions>>().Value, Ct);
    }

    async Task<CheckInOutcome> StoreAsync(PostgresCheckInBatch.Judged judged)
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(Ct);
        return (await PostgresCheckInBatch.StoreAsync(connection, judged, Ct))[0];
    }

    [Fact]
    public async Task AStoreTriedAgainAfterItCommitted_AnswersCreatedWithTheSameId_AndStoresOnce()
    {
        var cadre = await ManageKit.NewCadreAsync(app, ManageKit.PulanTownVillage, PostingRole.Member);
        var at = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(-12);
        var judged = await JudgeAsync(Submission(cadre, at, 60, key: "stored-then-tried-again"));

        var first = await StoreAsync(judged);
        var again = await StoreAsync(judged); // as after a connection that broke once the first attempt had committed

        Assert.Equal(CheckInOutcomeKind.Created, first.Kind);
        Assert.Equal(CheckInOutcomeKind.Created, again.Kind);
        Assert.Equal(first.Answer!.Id, again.Answer!.Id);
        var (rows, audits) = await app.WithSystemDbAsync(async db => (
            await db.CheckIns.IgnoreQueryFilters().CountAsync(c => c.PersonId == cadre.PersonId, Ct),
            await db.AuditEntries.CountAsync(a => a.ObjectType == nameof(CheckIn) && a.ObjectId == first.Answer.Id.ToString(), Ct)));
        Assert.Equal(1, rows);
        Assert.Equal(1, audits);
    }

    [Fact]
    public async Task AfterTheServerEndedTheWritersSessions_TheNextCheckInIsStoredAndAnswered201()
    {
        var cadre = await ManageKit.NewCadreAsync(app, ManageKit.PulanTownVillage, PostingRole.Member);
        var now = app.Clock.GetUtcNow();
        var before = await cadre.CheckInAsync(ManageKit.Body("before-the-sessions-ended", now.AddMinutes(-20), ManageKit.VillageLat, ManageKit.VillageLon, 15));
        Assert.Equal(System.Net.HttpStatusCode.Created, before.StatusCode);

        // The server ends every other session of this database — the check-in writer's held connection among them.
        var source = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var admin = new NpgsqlConnection(source.ConnectionString + ";Pooling=false"))
        {
            await admin.OpenAsync(Ct);
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", admin);
            Assert.True((long)(await kill.ExecuteScalarAsync(Ct))! >= 1);
        }
        // The pool's idle connections are gone too: cleared, so only the writer's held ones are left to find out.
        source.Clear();

        var after = await cadre.CheckInAsync(ManageKit.Body("after-the-sessions-ended", now.AddMinutes(-10), ManageKit.VillageLat, ManageKit.VillageLon, 15));

        Assert.Equal(System.Net.HttpStatusCode.Created, after.StatusCode);
        var keys = await app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().Where(c => c.PersonId == cadre.PersonId)
            .OrderBy(c => c.AtUtc).Select(c => c.ClientKey).ToListAsync(Ct));
        Assert.Equal(["before-the-sessions-ended", "after-the-sessions-ended"], keys);
    }
}
