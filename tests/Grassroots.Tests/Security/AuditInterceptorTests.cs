using System.Text.Json;
using Grassroots.Audit;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Tests.Common;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Tests.Security;

/// <summary>
/// The audit trail (SECURITY.md): every change writes a row in the same SaveChanges, with sensitive values masked,
/// and no row of the trail can be changed or removed through the application.
/// </summary>
public sealed class AuditInterceptorTests : IDisposable
{
    readonly InMemoryDatabase database = new();
    readonly CurrentUser clerk = TestUsers.PulanCounty();
    static readonly Region Pulan = RegionCatalog.Embedded.Find("542521")!;

    public void Dispose() => database.Dispose();

    static Person NewPerson() => new()
    {
        Kind = PersonKind.Cadre,
        Name = "扎西次仁",
        GenderCode = "1",
        EthnicCode = "04",
        BirthDate = new DateOnly(1988, 3, 14),
        IdNumber = IdNumber.FromTrusted("542521198803140131"),
        PoliticalStatusCode = "01",
        Phone = "13908971234",
        Post = "科员",
        RegionCode = Pulan.Code,
        RegionPath = Pulan.Path,
    };

    DateTime createdAt;

    /// <summary>Adds a person, then moves the clock on a minute so later entries sort after the create.</summary>
    Guid AddPerson()
    {
        using var db = database.Open(clerk);
        var person = NewPerson();
        db.People.Add(person);
        createdAt = database.Clock.GetUtcNow().UtcDateTime;
        db.SaveChanges();
        database.Clock.Advance(TimeSpan.FromMinutes(1));
        return person.Id;
    }

    List<AuditEntry> Trail(Guid personId)
    {
        using var db = database.Open(clerk);
        var id = personId.ToString();
        return db.AuditEntries.AsNoTracking().Where(a => a.ObjectType == nameof(Person) && a.ObjectId == id).OrderBy(a => a.AtUtc).ToList();
    }

    static Dictionary<string, string?> Values(string? json) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(json ?? throw new Xunit.Sdk.XunitException("no snapshot"))!;

    [Fact]
    public void AddingAPerson_WritesACreateEntry_WithTheIdNumberAndPhoneMasked()
    {
        var id = AddPerson();

        var entry = Assert.Single(Trail(id));
        Assert.Equal(AuditEvents.Create, entry.Event);
        Assert.Equal(AuditResults.Success, entry.Result);
        Assert.Equal("pulan.county", entry.UserName);
        Assert.Equal(clerk.Id, entry.UserId);
        Assert.Equal("10.0.0.8", entry.ClientAddress);
        Assert.Equal(createdAt, entry.AtUtc);
        Assert.Null(entry.Before);
        var after = Values(entry.After);
        Assert.Equal("扎西次仁", after["Name"]);
        Assert.Equal("542521********0131", after["IdNumber"]);
        Assert.Equal("139****1234", after["Phone"]);
        Assert.DoesNotContain("542521198803140131", entry.After);
        Assert.DoesNotContain("13908971234", entry.After);
        Assert.Equal("1988-03-14", after["BirthDate"]);
        Assert.DoesNotContain("NameSortKey", after.Keys);
        Assert.DoesNotContain("Version", after.Keys);
    }

    [Fact]
    public void AddingAPerson_StampsCreatedUpdatedAndVersion()
    {
        var id = AddPerson();

        using var db = database.Open(clerk);
        var person = db.People.Single(p => p.Id == id);
        Assert.Equal(createdAt, person.CreatedAtUtc);
        Assert.Equal(createdAt, person.UpdatedAtUtc);
        Assert.NotEqual(Guid.Empty, person.Version);
    }

    [Fact]
    public void ModifyingAPerson_RecordsBeforeAndAfterOfTheChangedFieldsOnly()
    {
        var id = AddPerson();
        Guid versionBefore;

        using (var db = database.Open(clerk))
        {
            var person = db.People.Single(p => p.Id == id);
            versionBefore = person.Version;
            person.Name = "扎西";
            person.Post = "副局长";
            person.Rank = "四级主任科员";
            person.Languages = person.Languages; // unchanged: not recorded
            db.SaveChanges();
        }

        var trail = Trail(id);
        Assert.Equal([AuditEvents.Create, AuditEvents.Update], trail.Select(a => a.Event));
        var update = trail[1];
        Assert.Equal(database.Clock.GetUtcNow().UtcDateTime, update.AtUtc);
        var before = Values(update.Before);
        var after = Values(update.After);
        Assert.Equal(["Name", "Post", "Rank"], before.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Name", "Post", "Rank"], after.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("扎西次仁", before["Name"]);
        Assert.Equal("扎西", after["Name"]);
        Assert.Equal("科员", before["Post"]);
        Assert.Equal("副局长", after["Post"]);
        Assert.Null(before["Rank"]);
        Assert.Equal("四级主任科员", after["Rank"]);

        using var check = database.Open(clerk);
        var saved = check.People.Single(p => p.Id == id);
        Assert.NotEqual(versionBefore, saved.Version);
        Assert.Equal(database.Clock.GetUtcNow().UtcDateTime, saved.UpdatedAtUtc);
    }

    [Fact]
    public void ChangingTheIdNumberOrPhone_RecordsBothSidesMasked()
    {
        var id = AddPerson();

        using (var db = database.Open(clerk))
        {
            var person = db.People.Single(p => p.Id == id);
            person.IdNumber = IdNumber.FromTrusted("11010519491231002X");
            person.Phone = "13800001111";
            db.SaveChanges();
        }

        var update = Trail(id)[1];
        Assert.Equal("542521********0131", Values(update.Before)["IdNumber"]);
        Assert.Equal("110105********002X", Values(update.After)["IdNumber"]);
        Assert.Equal("139****1234", Values(update.Before)["Phone"]);
        Assert.Equal("138****1111", Values(update.After)["Phone"]);
        Assert.DoesNotContain("19491231", update.After);
    }

    [Fact]
    public void AFixedLinePhone_IsMaskedInTheTrailAsInLists()
    {
        var id = AddPerson();

        using (var db = database.Open(clerk))
        {
            db.People.Single(p => p.Id == id).Phone = "0897-2601234";
            db.SaveChanges();
        }

        var after = Values(Trail(id)[1].After)["Phone"];
        Assert.Equal(PersonMapping.MaskPhone("0897-2601234"), after);
        Assert.Equal("089*****1234", after);
    }

    [Fact]
    public void SavingAnUnchangedPerson_WritesNoEntry()
    {
        var id = AddPerson();

        using (var db = database.Open(clerk))
        {
            var person = db.People.Single(p => p.Id == id);
            person.Name = person.Name;
            db.SaveChanges();
        }

        Assert.Single(Trail(id));
    }

    [Fact]
    public void DeletingAPerson_RecordsTheLastValuesMasked()
    {
        var id = AddPerson();

        using (var db = database.Open(clerk))
        {
            db.People.Remove(db.People.Single(p => p.Id == id));
            db.SaveChanges();
        }

        var delete = Trail(id)[1];
        Assert.Equal(AuditEvents.Delete, delete.Event);
        Assert.Null(delete.After);
        Assert.Equal("542521********0131", Values(delete.Before)["IdNumber"]);
        Assert.Equal("扎西次仁", Values(delete.Before)["Name"]);
    }

    [Fact]
    public void ModifyingAnAuditEntry_Throws_AndTheEntryStaysAsWritten()
    {
        var id = AddPerson();
        var entryId = Trail(id)[0].Id;

        using (var db = database.Open(clerk))
        {
            var entry = db.AuditEntries.Single(a => a.Id == entryId);
            db.Entry(entry).Property(a => a.Detail).CurrentValue = "改过";
            db.Entry(entry).Property(a => a.UserName).CurrentValue = "someone.else";

            var ex = Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
            Assert.Contains("append-only", ex.Message);
        }

        var stored = Trail(id)[0];
        Assert.Null(stored.Detail);
        Assert.Equal("pulan.county", stored.UserName);
    }

    [Fact]
    public async Task DeletingAnAuditEntry_Throws_AndTheEntryRemains()
    {
        var id = AddPerson();
        var entryId = Trail(id)[0].Id;

        await using (var db = database.Open(clerk))
        {
            db.AuditEntries.Remove(db.AuditEntries.Single(a => a.Id == entryId));

            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
        }

        Assert.Single(Trail(id), a => a.Id == entryId);
    }

    [Fact]
    public void AFailedSave_WritesNoAuditEntry()
    {
        AddPerson();

        using (var db = database.Open(clerk))
        {
            db.People.Add(NewPerson()); // same ID number: the unique index refuses it
            Assert.Throws<DbUpdateException>(() => db.SaveChanges());
        }

        using var check = database.Open(clerk);
        Assert.Equal(1, check.AuditEntries.Count(a => a.ObjectType == nameof(Person)));
    }
}
