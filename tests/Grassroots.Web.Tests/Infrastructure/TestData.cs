using Grassroots.Data;
using Grassroots.Demo;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Web.Tests.Infrastructure;

/// <summary>
/// A small, known data set for HTTP tests: the demo accounts, one unit and one person in Pulan (542521),
/// in the sibling county Zanda (542522), at the prefecture (542500), in Pulan town (542521100), and a
/// community worker in Dayu (360723, another prefecture).
/// </summary>
public sealed class TestData
{
    public const string Password = DemoSeeder.Password;

    public Unit PulanUnit { get; private set; } = null!;
    public Unit ZandaUnit { get; private set; } = null!;
    public Unit PrefectureUnit { get; private set; } = null!;
    public Unit PulanTownUnit { get; private set; } = null!;
    public Community DayuCommunity { get; private set; } = null!;
    public Person PulanCadre { get; private set; } = null!;
    public Person ZandaCadre { get; private set; } = null!;
    public Person PrefectureCadre { get; private set; } = null!;
    public Person PulanTownCadre { get; private set; } = null!;
    public Person DayuWorker { get; private set; } = null!;

    public async Task SeedAsync(IServiceProvider services, GrassrootsDb db)
    {
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        // The demo's stationed cadre needs a posted person: the check-in and leave tests make their own.
        foreach (var a in DemoSeeder.Accounts.Where(a => a.Role != Roles.Cadre))
            await accounts.CreateUserAsync(a.UserName, a.DisplayName, Password, [a.Role], a.ScopeCode, default);

        PulanUnit = AddUnit(db, "普兰县农业农村局", "542521", UnitLevel.County);
        ZandaUnit = AddUnit(db, "札达县农业农村局", "542522", UnitLevel.County);
        PrefectureUnit = AddUnit(db, "阿里地区行政公署办公室", "542500", UnitLevel.Prefecture);
        PulanTownUnit = AddUnit(db, "普兰镇人民政府", "542521100", UnitLevel.Township);
        var dayu = RegionCatalog.Embedded.Find("360723")!;
        var communityRegion = RegionCatalog.Embedded.All.First(r => r.Level == RegionLevel.Community && r.Path.StartsWith(dayu.Path, StringComparison.Ordinal));
        DayuCommunity = new Community { Code = communityRegion.Code, Name = communityRegion.Name, TownshipCode = communityRegion.ParentCode!.Value, RegionPath = communityRegion.Path, Households = 1800 };
        db.Communities.Add(DayuCommunity);

        PulanCadre = AddPerson(db, "扎西次仁", "1", MakeId("542521", new DateOnly(1988, 3, 14), 13), PulanUnit);
        ZandaCadre = AddPerson(db, "卓玛", "2", MakeId("542522", new DateOnly(1990, 7, 2), 24), ZandaUnit);
        PrefectureCadre = AddPerson(db, "王建国", "1", MakeId("542500", new DateOnly(1985, 1, 20), 35), PrefectureUnit);
        PulanTownCadre = AddPerson(db, "次仁旺堆", "1", MakeId("542521", new DateOnly(1992, 5, 9), 57), PulanTownUnit);
        DayuWorker = AddPerson(db, "刘晓燕", "2", MakeId("360723", new DateOnly(1994, 10, 1), 62), null, DayuCommunity);
        await db.SaveChangesAsync();
    }

    static Unit AddUnit(GrassrootsDb db, string name, string code, UnitLevel level)
    {
        var region = RegionCatalog.Embedded.Find(code)!;
        var unit = new Unit { Name = name, Level = level, Sector = "农牧", RegionCode = region.Code, RegionPath = region.Path };
        db.Units.Add(unit);
        return unit;
    }

    static Person AddPerson(GrassrootsDb db, string name, string gender, IdNumber id, Unit? unit, Community? community = null)
    {
        var p = new Person
        {
            Kind = community is null ? PersonKind.Cadre : PersonKind.CommunityWorker,
            Name = name,
            NameSortKey = Grassroots.Common.ChineseText.StrokeSortKey(name),
            NameInitials = Grassroots.Common.ChineseText.PinyinInitials(name),
            GenderCode = gender,
            EthnicCode = "01",
            BirthDate = id.BirthDate,
            IdNumber = id,
            PoliticalStatusCode = "01",
            PartyJoinDate = id.BirthDate.AddYears(22),
            WorkStartDate = id.BirthDate.AddYears(22),
            EducationCode = "21",
            StaffStatus = StaffStatus.Established,
            UnitId = unit?.Id,
            CommunityId = community?.Id,
            Post = "科员",
            Line = CadreLine.Agriculture,
            Health = HealthStatus.Fit,
            RegionCode = unit?.RegionCode ?? community!.Code,
            RegionPath = unit?.RegionPath ?? community!.RegionPath,
        };
        db.People.Add(p);
        return p;
    }

    /// <summary>A valid GB 11643 number; an odd sequence is male, even is female.</summary>
    public static IdNumber MakeId(string region, DateOnly birth, int sequence)
    {
        var first17 = $"{region}{birth:yyyyMMdd}{sequence:000}";
        var s = first17 + IdNumber.ComputeCheckCharacter(first17);
        return IdNumber.TryParse(s, new DateOnly(2100, 1, 1), out var id, out var error) ? id.Value : throw new InvalidOperationException(error);
    }
}
