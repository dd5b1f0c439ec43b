using System.Net.Http.Json;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Web.Tests.Manage;

/// <summary>A stationed cadre made for one test: a person, an active posting in a village, an account and a bearer-token client.</summary>
public sealed record StationedCadre(Guid PersonId, string UserName, HttpClient Client, Village Village);

/// <summary>
/// Stationed cadres and villages for the check-in and leave tests. Each test makes its own cadre, so tests in one class
/// never see each other's check-ins or leave. Villages get known positions: the fence tests measure from them.
/// </summary>
public static class ManageKit
{
    /// <summary>多油村, 普兰镇, 普兰县: the township account pulan.township (542521100) oversees it.</summary>
    public const string PulanTownVillage = "542521100201";
    /// <summary>岗莎村, 巴嘎乡, 普兰县: in Pulan county but not Pulan town.</summary>
    public const string BageVillage = "542521200201";
    /// <summary>A village of Zanda county (542522), the sibling county.</summary>
    public static string ZandaVillage => RegionCatalog.Embedded.All.First(r => r.Level == RegionLevel.Village && r.Code.Value.StartsWith("542522", StringComparison.Ordinal)).Code.Value;

    public const double VillageLat = 30.29;
    public const double VillageLon = 81.17;

    /// <summary>Metres per degree of latitude on the sphere the fence is measured on.</summary>
    public const double MetresPerDegree = 6_371_008.8 * Math.PI / 180;

    static int serial;

    public static async Task<Village> EnsureVillageAsync(GrassrootsApp app, string code) => await app.WithSystemDbAsync(async db =>
    {
        var existing = await db.Villages.IgnoreQueryFilters().FirstOrDefaultAsync(v => v.Code == RegionCode.Parse(code));
        if (existing is not null) return existing;
        var region = RegionCatalog.Embedded.Find(code)!;
        var village = new Village
        {
            Code = region.Code, Name = region.Name, TownshipCode = region.ParentCode!.Value, RegionPath = region.Path,
            Latitude = VillageLat, Longitude = VillageLon, Households = 120, Population = 480, Altitude = 4000,
        };
        db.Villages.Add(village);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Made meanwhile by a test running in parallel on the same database.
            db.ChangeTracker.Clear();
            return await db.Villages.IgnoreQueryFilters().FirstAsync(v => v.Code == RegionCode.Parse(code));
        }
        return village;
    });

    /// <summary>A new cadre of the prefecture unit stationed in <paramref name="villageCode"/>, with a signed-in client.</summary>
    public static async Task<StationedCadre> NewCadreAsync(GrassrootsApp app, string villageCode = PulanTownVillage, PostingRole role = PostingRole.Member, bool withPosting = true)
    {
        var village = await EnsureVillageAsync(app, villageCode);
        var n = Interlocked.Increment(ref serial);
        var userName = $"cadre.{n}.{Guid.NewGuid().ToString("N")[..6]}";
        var personId = await app.WithSystemDbAsync(async db =>
        {
            var unit = app.Data.PrefectureUnit;
            var birth = new DateOnly(1980, 1, 1).AddDays(n * 37 % 5000);
            var id = TestData.MakeId("542500", birth, 100 + n % 800);
            var name = "驻村干部" + n;
            var person = new Person
            {
                Kind = PersonKind.Cadre, Name = name, NameSortKey = Grassroots.Common.ChineseText.StrokeSortKey(name), NameInitials = Grassroots.Common.ChineseText.PinyinInitials(name),
                GenderCode = id.GenderCode, EthnicCode = "01", BirthDate = birth, IdNumber = id, PoliticalStatusCode = "01",
                StaffStatus = StaffStatus.Established, UnitId = unit.Id, Post = "科员", Line = CadreLine.Party, Health = HealthStatus.Fit,
                RegionCode = unit.RegionCode, RegionPath = unit.RegionPath,
                StationedRegionPath = withPosting ? village.RegionPath : null,
            };
            db.People.Add(person);
            if (withPosting)
            {
                db.Postings.Add(new Posting
                {
                    PersonId = person.Id, VillageId = village.Id, Role = role, StartDate = new DateOnly(2026, 3, 1), EndDate = new DateOnly(2028, 2, 29),
                    VillageCode = village.Code, RegionPath = village.RegionPath, HomeRegionPath = unit.RegionPath, CreatedBy = "test",
                });
            }
            await db.SaveChangesAsync();
            return person.Id;
        });
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            await scope.ServiceProvider.GetRequiredService<AccountService>()
                .CreateUserAsync(userName, "驻村干部" + n, GrassrootsApp.Password, [Roles.Cadre], null, default, personId);
        }
        return new StationedCadre(personId, userName, await app.ClientAsAsync(userName), village);
    }

    /// <summary>A position <paramref name="metresNorth"/> due north of the village.</summary>
    public static (double Lat, double Lon) North(double metresNorth) => (VillageLat + metresNorth / MetresPerDegree, VillageLon);

    public static object Body(string key, DateTimeOffset at, double lat, double lon, double accuracy = 15, string? reason = null) =>
        reason is null
            ? new { clientKey = key, at, lat, lon, accuracy }
            : new { clientKey = key, at, lat, lon, accuracy, reason };

    public static Task<HttpResponseMessage> CheckInAsync(this StationedCadre cadre, object body) =>
        cadre.Client.PostAsJsonAsync("/api/checkins", body, TestContext.Current.CancellationToken);
}
