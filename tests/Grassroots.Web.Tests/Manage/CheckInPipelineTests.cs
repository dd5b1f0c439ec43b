using Grassroots.Dispatch;
using Grassroots.Manage;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grassroots.Web.Tests.Manage;

/// <summary>
/// On PostgreSQL the check-in writer judges the next batch while the previous one is being stored. A batch judged then
/// must see the rows in flight as the cadre's check-ins (the suspicion rules), and a resend of a key in flight must be
/// answered from the stored row once both are stored.
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

    async Task<PostgresCheckInBatch.Judged> JudgeAsync(CheckInSubmission s, IEnumerable<(Guid, CheckInTrace)> inFlight)
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(Ct);
        return await PostgresCheckInBatch.JudgeAsync(connection, [s], inFlight, app.Services.GetRequiredService<IOptions<ManageOptions>>().Value, Ct);
    }

    async Task<CheckInOutcome> StoreAsync(PostgresCheckInBatch.Judged judged)
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(Ct);
        return (await PostgresCheckInBatch.StoreAsync(connection, judged, Ct))[0];
    }

    [Fact]
    public async Task ABatchJudgedWhileAnotherIsStored_SeesItsRows_InTheSuspicionRules()
    {
        var cadre = await ManageKit.NewCadreAsync(app, ManageKit.PulanTownVillage, PostingRole.Member);
        var at = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(-30);
        var first = await JudgeAsync(Submission(cadre, at, 50), []);
        var far = Submission(cadre, at.AddMinutes(2), 50_000, reason: "到县里开会");

        var alone = await JudgeAsync(far, []);
        var behindFirst = await JudgeAsync(far, first.Rows);

        Assert.Equal(CheckInFlags.None, alone.Judgement!.Fresh.Values.Single().Row.Flags);
        Assert.Equal(CheckInFlags.ImpossibleSpeed, behindFirst.Judgement!.Fresh.Values.Single().Row.Flags);
        Assert.Equal(CheckInOutcomeKind.Created, (await StoreAsync(first)).Kind);
        var second = await StoreAsync(behindFirst);
        Assert.Equal(CheckInOutcomeKind.Created, second.Kind);
        Assert.Equal(["impossibleSpeed"], second.Answer!.Flags);
    }

    [Fact]
    public async Task AResendOfAKeyInFlight_IsAnsweredFromTheStoredRow_AndStoredOnce()
    {
        var cadre = await ManageKit.NewCadreAsync(app, ManageKit.PulanTownVillage, PostingRole.Member);
        var at = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(-10);
        var submission = Submission(cadre, at, 80, key: "resend-in-flight");
        var first = await JudgeAsync(submission, []);
        var resend = await JudgeAsync(submission, first.Rows);

        var stored = await StoreAsync(first);
        var again = await StoreAsync(resend);

        Assert.Equal(CheckInOutcomeKind.Created, stored.Kind);
        Assert.Equal(CheckInOutcomeKind.Replayed, again.Kind);
        Assert.Equal(stored.Answer!.Id, again.Answer!.Id);
        var rows = await app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().CountAsync(c => c.PersonId == cadre.PersonId, Ct));
        Assert.Equal(1, rows);
    }
}
