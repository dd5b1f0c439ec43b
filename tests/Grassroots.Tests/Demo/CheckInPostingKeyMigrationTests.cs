using Grassroots.Manage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Grassroots.Tests.Demo;

/// <summary>
/// The migration that gave <c>CheckIns</c> one foreign key to its posting's (Id, PersonId, VillageId), run down and up
/// again over the demo data set's year of check-ins (SQLite rebuilds both tables and copies the rows), and the key it
/// leaves behind.
/// </summary>
public abstract partial class DemoSeederTests
{
    [Fact]
    public async Task CheckInPostingKeyMigration_DownAndUpOverAYearOfCheckIns_KeepsEveryRow_AndRefusesACheckInOutsideItsPostingsVillage()
    {
        async Task<List<(Guid, Guid, Guid, Guid)>> RowsAsync() =>
            (await fixture.Services.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().AsNoTracking()
                .Select(c => new { c.Id, c.PersonId, c.PostingId, c.VillageId }).ToListAsync(Ct)))
            .Select(c => (c.Id, c.PersonId, c.PostingId, c.VillageId)).OrderBy(c => c.Id).ToList();
        var before = await RowsAsync();
        Assert.True(before.Count > 1000, $"{before.Count} check-ins in the demo year");

        await fixture.Services.WithSystemDbAsync(async db =>
        {
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync("CheckInMonths", Ct);
            await migrator.MigrateAsync(null, Ct);
        });
        Assert.Empty(await fixture.Services.WithSystemDbAsync(async db => (await db.Database.GetPendingMigrationsAsync(Ct)).ToList()));
        Assert.Equal(before, await RowsAsync());

        // The key: a check-in whose village is not its posting's is refused by the database itself.
        var (sample, otherVillage) = await fixture.Services.WithSystemDbAsync(async db =>
        {
            var c = await db.CheckIns.IgnoreQueryFilters().AsNoTracking().FirstAsync(Ct);
            var v = await db.Villages.IgnoreQueryFilters().Where(v => v.Id != c.VillageId).Select(v => v.Id).FirstAsync(Ct);
            return (c, v);
        });
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => fixture.Services.WithSystemDbAsync(async db =>
        {
            db.CheckIns.Add(new CheckIn
            {
                PersonId = sample.PersonId,
                PostingId = sample.PostingId,
                VillageId = otherVillage,
                ClientKey = "outside-its-posting",
                PayloadHash = sample.PayloadHash,
                AtUtc = sample.AtUtc.AddMinutes(1),
                Date = sample.Date,
                ReceivedAtUtc = sample.ReceivedAtUtc,
                Accuracy = 10,
                RegionPath = sample.RegionPath,
            });
            await db.SaveChangesAsync(Ct);
        }));
        Assert.Contains("FOREIGN KEY", error.InnerException?.Message ?? error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before.Count, (await RowsAsync()).Count);
    }
}
