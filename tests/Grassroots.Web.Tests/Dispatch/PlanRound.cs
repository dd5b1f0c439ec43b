using Grassroots.Data;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Selection;
using Grassroots.Web.Tests.Infrastructure;

namespace Grassroots.Web.Tests.Dispatch;

/// <summary>
/// A closed selection round built for one test: villages in Pulan (542521) and Zanda (542522) — each with one first
/// secretary and <c>members</c> member places, the first of each county needing a Tibetan speaker — and approved
/// candidates from the Pulan, Zanda and prefecture units of <see cref="TestData"/>. Fresh people every time, so tests
/// that publish do not collide.
/// </summary>
public sealed class PlanRound
{
    static int sequence = 100;

    public Guid RoundId { get; private set; }
    public List<Village> Villages { get; } = [];
    public List<Person> Cadres { get; } = [];

    public Village Village(string name) => Villages.Single(v => v.Name == name);
    public Person Cadre(string name) => Cadres.Single(c => c.Name == name);

    /// <summary>
    /// Creates the round. Cadre specs: (name, unit: "pulan" | "zanda" | "prefecture", line, first-secretary eligible, speaker).
    /// </summary>
    public static async Task<PlanRound> CreateAsync(Func<Func<GrassrootsDb, Task<int>>, Task<int>> withSystemDb, TestData data, int villagesPerCounty, int members,
        IReadOnlyList<(string Name, string Unit, CadreLine Line, bool FirstSecretary, bool Speaker)> cadres)
    {
        var round = new PlanRound();
        var tag = Interlocked.Increment(ref sequence);
        await withSystemDb(async db =>
        {
            var ali = RegionCatalog.Embedded.Find("542500")!;
            var r = new SelectionRound
            {
                Name = $"测试批次{tag}",
                ReferenceDate = new DateOnly(2026, 1, 1),
                TermStart = new DateOnly(2026, 3, 1),
                TermMonths = 24,
                Status = RoundStatus.Closed,
                RegionCode = ali.Code,
                RegionPath = ali.Path,
                CreatedBy = "test",
            };
            db.SelectionRounds.Add(r);
            round.RoundId = r.Id;
            var tags = new[] { VillageTags.Weak, VillageTags.Poor, VillageTags.Industry, VillageTags.Complex };
            foreach (var county in new[] { "542521", "542522" })
            {
                var places = RegionCatalog.Embedded.All
                    .Where(x => x.Level == RegionLevel.Village && x.Code.Value.StartsWith(county, StringComparison.Ordinal))
                    .OrderBy(x => x.Code.Value, StringComparer.Ordinal).Take(villagesPerCounty).ToList();
                for (var i = 0; i < places.Count; i++)
                {
                    var place = places[i];
                    var village = await VillageAsync(db, place, county == "542521" ? 30.3 + i * 0.05 : 31.5 + i * 0.05, county == "542521" ? 81.2 : 79.8, tags[i % tags.Length], i == 0);
                    round.Villages.Add(village);
                    db.VillageDemands.Add(new VillageDemand { RoundId = r.Id, VillageId = village.Id, Members = members, NeedsSpeaker = i == 0, FitTag = village.PrimaryTag });
                }
            }
            var units = new Dictionary<string, Unit> { ["pulan"] = data.PulanUnit, ["zanda"] = data.ZandaUnit, ["prefecture"] = data.PrefectureUnit };
            var n = 0;
            foreach (var (name, unitKey, line, fs, speaker) in cadres)
            {
                var unit = units[unitKey];
                var birth = new DateOnly(1980 + n % 10, 1 + n % 12, 1 + n % 27);
                var id = TestData.MakeId(unit.RegionCode.Value[..6], birth, (tag * 40 + n) % 1000);
                n++;
                var p = new Person
                {
                    Kind = PersonKind.Cadre,
                    Name = name,
                    NameSortKey = Grassroots.Common.ChineseText.StrokeSortKey(name),
                    NameInitials = Grassroots.Common.ChineseText.PinyinInitials(name),
                    GenderCode = "1",
                    EthnicCode = "01",
                    BirthDate = birth,
                    IdNumber = id,
                    PoliticalStatusCode = "01",
                    PartyJoinDate = new DateOnly(2015, 1, 1),
                    WorkStartDate = new DateOnly(2012, 7, 1),
                    EducationCode = "21",
                    StaffStatus = StaffStatus.Established,
                    UnitId = unit.Id,
                    Post = "干部",
                    Rank = fs ? "一级科员" : "办事员",
                    Line = line,
                    Health = HealthStatus.Fit,
                    HomeCountyCode = RegionCode.Parse(unit.RegionCode.Value[..6]),
                    Languages = speaker ? "汉语、藏语" : "汉语",
                    RegionCode = unit.RegionCode,
                    RegionPath = unit.RegionPath,
                };
                db.People.Add(p);
                round.Cadres.Add(p);
                db.Candidates.Add(new Candidate
                {
                    RoundId = r.Id,
                    PersonId = p.Id,
                    Entry = CandidateEntry.UnitRecommendation,
                    NominatedBy = "test",
                    Status = CandidateStatus.Approved,
                    RegionCode = p.RegionCode,
                    RegionPath = p.RegionPath,
                });
            }
            await db.SaveChangesAsync();
            return 0;
        });
        return round;
    }

    static async Task<Village> VillageAsync(GrassrootsDb db, Region place, double lat, double lon, VillageTags tag, bool language)
    {
        var existing = db.Villages.FirstOrDefault(v => v.Code == place.Code);
        if (existing is not null) return existing;
        var village = new Village
        {
            Code = place.Code,
            Name = place.Name,
            TownshipCode = place.ParentCode!.Value,
            RegionPath = place.Path,
            Latitude = lat,
            Longitude = lon,
            Households = 120,
            Population = 480,
            Altitude = 4300,
            Tags = tag,
            PrimaryTag = tag,
            NeedsLocalLanguage = language,
        };
        db.Villages.Add(village);
        await Task.CompletedTask;
        return village;
    }
}
