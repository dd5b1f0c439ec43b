using System.Diagnostics;
using System.Text.RegularExpressions;
using Grassroots.Codes;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Demo;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Selection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Tests.Demo;

/// <summary>The demo data set, seeded once into a fresh database, and what was read back from it.</summary>
public abstract class DemoDataFixture(TestDatabase database) : IAsyncLifetime
{
    public TestServices Services { get; private set; } = null!;
    public bool Seeded { get; private set; }
    public TimeSpan SeedTime { get; private set; }
    public int SeedSaves { get; private set; }
    /// <summary>Processor time of the whole test process while seeding (other tests running in parallel add to it).</summary>
    public TimeSpan SeedCpuTime { get; private set; }
    public DemoData Data { get; private set; } = null!;
    /// <summary>What the year of daily management and supervision wrote.</summary>
    public DemoYearCounts? Year { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Services = await TestServices.StartAsync(database, default);
        var saves = Services.SaveCounter.Count;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        Seeded = await Services.AsSystemAsync(async sp =>
        {
            var seeder = sp.GetRequiredService<DemoSeeder>();
            var seeded = await seeder.SeedAsync(default);
            Year = seeder.Year;
            return seeded;
        });
        SeedTime = watch.Elapsed;
        SeedCpuTime = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        SeedSaves = Services.SaveCounter.Count - saves;
        Data = await DemoData.LoadAsync(Services);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteDemoData() : DemoDataFixture(TestDatabase.Sqlite);

public sealed class PostgresDemoData() : DemoDataFixture(TestDatabase.Postgres);

/// <summary>Everything the seeder wrote, read back as the system actor.</summary>
public sealed record DemoData(List<Village> Villages, List<Community> Communities, List<Unit> Units, List<Person> People, CodeBook Codes,
    List<SelectionRound> Rounds, List<Candidate> Candidates)
{
    public IEnumerable<Person> Cadres => People.Where(p => p.Kind == PersonKind.Cadre);
    public IEnumerable<Person> Workers => People.Where(p => p.Kind == PersonKind.CommunityWorker);

    /// <summary>The completed 2026 round, whose approved candidates are the 616 stationed cadres.</summary>
    public SelectionRound CompletedRound => Rounds.Single(r => r.Name == "2026年度驻村工作队选派");
    public SelectionRound OpenRound => Rounds.Single(r => r.Name == "2027年度驻村工作队选派（征集中）");

    /// <summary>The 616 stationed cadres: the people approved in the 2026 round.</summary>
    public List<Person> Stationed => People.Where(p => Candidates.Any(c => c.RoundId == CompletedRound.Id && c.PersonId == p.Id && c.Status == CandidateStatus.Approved)).ToList();

    public static Task<DemoData> LoadAsync(TestServices services) => services.WithSystemDbAsync(async db => new DemoData(
        await db.Villages.AsNoTracking().OrderBy(v => v.Code).ToListAsync(),
        await db.Communities.AsNoTracking().OrderBy(c => c.Code).ToListAsync(),
        await db.Units.AsNoTracking().ToListAsync(),
        await db.People.AsNoTracking().Include(p => p.History).OrderBy(p => p.IdNumber).ToListAsync(),
        await CodeBook.LoadAsync(db, default),
        await db.SelectionRounds.AsNoTracking().Include(r => r.Demand).Include(r => r.Quotas).ToListAsync(),
        await db.Candidates.AsNoTracking().Include(c => c.Attestations).ToListAsync()));

    public static Task<Dictionary<string, int>> CountRowsAsync(TestServices services) => services.WithSystemDbAsync(async db => new Dictionary<string, int>
    {
        ["users"] = await db.Users.CountAsync(),
        ["villages"] = await db.Villages.IgnoreQueryFilters().CountAsync(),
        ["communities"] = await db.Communities.IgnoreQueryFilters().CountAsync(),
        ["units"] = await db.Units.IgnoreQueryFilters().CountAsync(),
        ["people"] = await db.People.IgnoreQueryFilters().CountAsync(),
        ["history"] = await db.PersonHistory.CountAsync(),
        ["audit"] = await db.AuditEntries.CountAsync(),
        ["rounds"] = await db.SelectionRounds.IgnoreQueryFilters().CountAsync(),
        ["candidates"] = await db.Candidates.IgnoreQueryFilters().CountAsync(),
    });
}

public abstract partial class DemoSeederTests(DemoDataFixture fixture)
{
    static readonly DateOnly Today = DateOnly.FromDateTime(TestServices.DefaultNow.ToOffset(ChinaTime.Offset).DateTime);

    static readonly string[] AliCounties = ["542521", "542522", "542523", "542524", "542525", "542526", "542527"];

    [GeneratedRegex(@"^1[3589]\d{9}$")]
    private static partial Regex MobilePattern();

    DemoData Data => fixture.Data;

    [Fact]
    public void Seed_OnAnEmptyDatabase_ReportsThatItSeeded()
    {
        Assert.True(fixture.Seeded);
    }

    [Fact]
    public void Seed_WritesTheDataSetInBulk_NotRowByRow()
    {
        // Seeding takes a few seconds because the ~5,500 rows go in one SaveChanges; the accounts take three saves each;
        // the dispatch plan is made, run (with its progress steps), approved and published through the planner.
        TestContext.Current.TestOutputHelper?.WriteLine($"Seeding took {fixture.SeedTime.TotalSeconds:F2} s ({fixture.SeedCpuTime.TotalSeconds:F2} s processor time) and {fixture.SeedSaves} saves on {fixture.Services.Database}; the year: {fixture.Year?.Total} rows ({fixture.Year}).");
        Assert.InRange(fixture.SeedSaves, 1, 3 * DemoSeeder.Accounts.Count + 3 + 8);
    }

    [Fact]
    public async Task CompletedRound_IsPublished_With145TeamsOfAFirstSecretaryAndTheirMembers()
    {
        var postings = await fixture.Services.WithSystemDbAsync(db => db.Postings.AsNoTracking().Include(p => p.Person).ToListAsync());
        Assert.Equal(DemoSeeder.CadreCount, postings.Count);
        Assert.Equal(DemoSeeder.FirstSecretaryCount, postings.Count(p => p.Role == Grassroots.Dispatch.PostingRole.FirstSecretary));
        Assert.Equal(DemoSeeder.MemberCount, postings.Count(p => p.Role == Grassroots.Dispatch.PostingRole.Member));
        Assert.Equal(RoundStatus.Published, Data.CompletedRound.Status);
        var demand = Data.CompletedRound.Demand.ToDictionary(d => d.VillageId);
        foreach (var team in postings.GroupBy(p => p.VillageId))
        {
            Assert.Single(team, p => p.Role == Grassroots.Dispatch.PostingRole.FirstSecretary);
            Assert.Equal(demand[team.Key].Members, team.Count(p => p.Role == Grassroots.Dispatch.PostingRole.Member));
            if (demand[team.Key].NeedsSpeaker) Assert.Single(team, p => p.SpeakerPlace);
        }
        Assert.Equal(145, postings.Select(p => p.VillageId).Distinct().Count());
        foreach (var p in postings)
        {
            // Avoidance: nobody serves in their home county; terms are the round's; the stationed village extends scope.
            Assert.NotEqual(p.Person!.HomeCountyCode?.Value, p.VillageCode.CountyPrefix);
            Assert.Equal((Data.CompletedRound.TermStart, Data.CompletedRound.TermEnd), (p.StartDate, p.EndDate));
            Assert.Equal(p.RegionPath, p.Person.StationedRegionPath);
        }
    }

    [Fact]
    public void Villages_AreAlisRealVillageLevelUnits_InEverySevenCounties()
    {
        var expected = RegionCatalog.Embedded.All
            .Where(r => r.Code.Value.StartsWith("5425", StringComparison.Ordinal) && r.Level is RegionLevel.Village or RegionLevel.Community)
            .ToDictionary(r => r.Code.Value);
        Assert.Equal(145, expected.Count);
        Assert.Equal(145, Data.Villages.Count);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), Data.Villages.Select(v => v.Code.Value));
        Assert.Equal(133, Data.Villages.Count(v => expected[v.Code.Value].Level == RegionLevel.Village));
        Assert.Equal(AliCounties, Data.Villages.Select(v => v.Code.CountyPrefix).Distinct().Order(StringComparer.Ordinal));
        foreach (var v in Data.Villages)
        {
            var region = expected[v.Code.Value];
            Assert.Equal(region.Name, v.Name);
            Assert.Equal(region.Path, v.RegionPath);
            Assert.Equal(region.ParentCode, v.TownshipCode);
        }
    }

    [Fact]
    public void Villages_HaveOneOrTwoTags_APrimaryTagAmongThem_AndAMixOfAllFive()
    {
        foreach (var v in Data.Villages)
        {
            var count = VillageTagNames.All.Count(t => v.Tags.HasFlag(t.Tag));
            Assert.InRange(count, 1, 2);
            Assert.Contains(VillageTagNames.All, t => t.Tag == v.PrimaryTag);
            Assert.True(v.Tags.HasFlag(v.PrimaryTag), $"{v.Name}: primary tag {v.PrimaryTag} is not among {v.Tags}.");
            Assert.True(v.NeedsLocalLanguage, $"{v.Name} should need a Tibetan speaker.");
        }
        foreach (var (tag, _, name) in VillageTagNames.All)
            Assert.True(Data.Villages.Count(v => v.PrimaryTag == tag) >= 5, $"Too few villages with primary tag {name}.");
        Assert.Contains(Data.Villages, v => VillageTagNames.All.Count(t => v.Tags.HasFlag(t.Tag)) == 2);
    }

    [Fact]
    public void Villages_LieNearTheirCountySeat_WithPlausibleAltitudeAndSize()
    {
        var seats = RegionCatalog.CountySeats().ToDictionary(s => s.Code);
        foreach (var v in Data.Villages)
        {
            var seat = seats[v.Code.CountyPrefix];
            var km = Distance(seat.Lat, seat.Lon, v.Latitude, v.Longitude);
            Assert.True(km <= DemoSeeder.MaxVillageDistanceKm, $"{v.Name} is {km:F0} km from the {seat.Name} seat.");
            Assert.InRange(v.Altitude, seat.Altitude - 400, seat.Altitude + 700);
            Assert.InRange(v.Households, 80, 600);
            Assert.InRange(v.Population, (int)Math.Floor(v.Households * 3.5), (int)Math.Ceiling(v.Households * 4.5));
        }
        // Positions are spread out, not piled on the seat.
        Assert.True(Data.Villages.Select(v => (v.Latitude, v.Longitude)).Distinct().Count() == 145);
    }

    [Fact]
    public void Communities_AreDayusFifteenUrbanCommunities_WithHouseholds()
    {
        var expected = RegionCatalog.Embedded.All.Where(r => r.Code.Value.StartsWith("360723", StringComparison.Ordinal) && r.Level == RegionLevel.Community).ToList();
        Assert.Equal(15, Data.Communities.Count);
        Assert.Equal(expected.Select(r => r.Code.Value).Order(StringComparer.Ordinal), Data.Communities.Select(c => c.Code.Value));
        foreach (var c in Data.Communities)
        {
            var region = expected.Single(r => r.Code == c.Code);
            Assert.Equal(region.Name, c.Name);
            Assert.Equal(region.Path, c.RegionPath);
            Assert.Equal(region.ParentCode, c.TownshipCode);
            Assert.InRange(c.Households, 1500, 5000);
        }
    }

    [Fact]
    public void Units_CoverThePrefectureEveryCountyAndDayu_WithLevelAndSector()
    {
        var prefecture = Data.Units.Where(u => u.RegionCode.Value == "542500").ToList();
        Assert.True(prefecture.Count >= 8);
        Assert.All(prefecture, u => Assert.Equal(UnitLevel.Prefecture, u.Level));
        Assert.Contains(prefecture, u => u.Name == "阿里地委组织部");
        Assert.Contains(prefecture, u => u.Name == "阿里地区农业农村局");
        foreach (var county in AliCounties)
        {
            var name = RegionCatalog.Embedded.Find(county)!.Name;
            var units = Data.Units.Where(u => u.RegionCode.Value == county).ToList();
            Assert.Contains(units, u => u.Name == name + "委组织部");
            Assert.Contains(units, u => u.Name == name + "公安局");
            Assert.All(units, u => Assert.Equal(UnitLevel.County, u.Level));
        }
        Assert.Equal(["大余县委城市社区党工委", "大余县民政局"], Data.Units.Where(u => u.RegionCode.Value == "360723").Select(u => u.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["党群", "农牧", "卫健", "政法", "教育", "科技", "经济"],
            Data.Units.Where(u => u.RegionCode.Value.StartsWith("5425", StringComparison.Ordinal)).Select(u => u.Sector).Distinct().Order(StringComparer.Ordinal));
        foreach (var u in Data.Units)
            Assert.Equal(RegionCatalog.Embedded.Find(u.RegionCode.Value)!.Path, u.RegionPath);
    }

    [Fact]
    public void Cadres_Are616Stationed_AboutAThirdInPrefectureUnits_InEveryCounty_PlusAReserve()
    {
        Assert.Equal(616 + DemoSeeder.ReserveCadreCount, Data.Cadres.Count());
        var cadres = Data.Stationed;
        Assert.Equal(616, cadres.Count);
        Assert.InRange(cadres.Count(p => p.RegionCode.Value == "542500"), 616 / 3 - 20, 616 / 3 + 20);
        foreach (var county in AliCounties)
            Assert.True(cadres.Count(p => p.RegionCode.Value == county) >= 20, $"Too few cadres in county {county}.");
        var units = Data.Units.ToDictionary(u => u.Id);
        foreach (var p in Data.Cadres)
        {
            var unit = units[p.UnitId!.Value];
            Assert.Equal(unit.RegionCode, p.RegionCode);
            Assert.Equal(unit.RegionPath, p.RegionPath);
            Assert.Null(p.CommunityId);
        }
    }

    [Fact]
    public void Cadres_Exactly145AreFitToBeFirstSecretaries_ThroughoutTheYear()
    {
        var cadres = Data.Cadres.ToList();
        Assert.Equal(145, cadres.Count(p => DemoSeeder.IsFirstSecretaryCandidate(p, DemoSeeder.ReferenceDate)));
        Assert.Equal(145, cadres.Count(p => DemoSeeder.IsFirstSecretaryCandidate(p, Today)));
        Assert.Equal(145, cadres.Count(p => DemoSeeder.IsFirstSecretaryCandidate(p, new DateOnly(2026, 12, 31))));
        Assert.DoesNotContain(Data.Workers, p => DemoSeeder.IsFirstSecretaryCandidate(p, Today));

        // The candidates also pass 1+2+X, so every village can get a first secretary.
        foreach (var p in cadres.Where(p => DemoSeeder.IsFirstSecretaryCandidate(p, DemoSeeder.ReferenceDate)))
        {
            Assert.Equal(StaffStatus.Established, p.StaffStatus);
            Assert.Equal(HealthStatus.Fit, p.Health);
            Assert.True(p.WorkStartDate!.Value.AddYears(2) <= DemoSeeder.ReferenceDate, $"{p.Name} has fewer than 2 years of work.");
        }

        // The first secretaries are among the stationed cadres; the other 471 of them are the team members.
        Assert.Equal(471, Data.Stationed.Count(p => !DemoSeeder.IsFirstSecretaryCandidate(p, DemoSeeder.ReferenceDate)));

        // The others fail for the reasons the rules name: party standing, membership, rank.
        var others = cadres.Where(p => !DemoSeeder.IsFirstSecretaryCandidate(p, DemoSeeder.ReferenceDate)).ToList();
        Assert.Equal(471 + DemoSeeder.ReserveCadreCount, others.Count);
        Assert.Contains(others, p => p.PoliticalStatusCode == "01" && p.PartyJoinDate is { } joined && joined.AddYears(3) > DemoSeeder.ReferenceDate);
        Assert.Contains(others, p => p.PoliticalStatusCode == "13");
        Assert.Contains(others, p => p.PoliticalStatusCode == "02");
        Assert.Contains(others, p => p.Rank == "办事员");
    }

    [Fact]
    public void Cadres_IncludeSomeWhoFailEligibility_ProbationContractUnfitOrUnknownHealth()
    {
        var cadres = Data.Cadres.ToList();
        Assert.InRange(cadres.Count(p => p.StaffStatus == StaffStatus.Established), 616, 640);
        Assert.Contains(cadres, p => p.StaffStatus == StaffStatus.Probation);
        Assert.Contains(cadres, p => p.StaffStatus == StaffStatus.NotEstablished);
        Assert.Contains(cadres, p => p.Health == HealthStatus.Limited);
        Assert.InRange(cadres.Count(p => p.Health is null), 1, 30);
        Assert.True(cadres.Count(p => p.Health == HealthStatus.Fit) > 550);
    }

    [Fact]
    public void Cadres_AreMostlyTibetan_WithLanguagesAndHomeCountiesToMatch()
    {
        var cadres = Data.Cadres.ToList();
        var tibetan = cadres.Where(p => p.EthnicCode == "04").ToList();
        Assert.InRange(tibetan.Count, 616 / 2, 616 * 9 / 10);
        Assert.Contains(cadres, p => p.EthnicCode == "01");
        Assert.All(tibetan, p => Assert.Equal("藏语、汉语", p.Languages));
        Assert.All(tibetan, p => Assert.StartsWith("54", p.IdNumber.RegionPart, StringComparison.Ordinal));
        Assert.Contains(tibetan, p => AliCounties.Contains(p.HomeCountyCode!.Value.Value));
        var han = cadres.Where(p => p.EthnicCode == "01").ToList();
        Assert.Contains(han, p => p.Languages == "汉语");
        Assert.Contains(han, p => p.Languages == "汉语、藏语");
        Assert.All(han, p => Assert.False(p.IdNumber.RegionPart.StartsWith("54", StringComparison.Ordinal), $"{p.Name} is Han with a Tibetan birthplace."));
        Assert.All(cadres, p => Assert.Equal(p.IdNumber.RegionPart, p.HomeCountyCode!.Value.Value));
        foreach (var p in cadres)
        {
            var age = DemoSeeder.ReferenceDate.Year - p.BirthDate.Year;
            Assert.InRange(age, 25, 55);
        }
    }

    [Fact]
    public void Cadres_LinesMostlyMatchTheirUnitsSector()
    {
        var units = Data.Units.ToDictionary(u => u.Id);
        var sectorLine = new Dictionary<string, CadreLine>
        {
            ["党群"] = CadreLine.Party, ["经济"] = CadreLine.Economic, ["政法"] = CadreLine.Legal, ["农牧"] = CadreLine.Agriculture, ["科技"] = CadreLine.Technology,
        };
        var matched = Data.Cadres.Where(p => sectorLine.ContainsKey(units[p.UnitId!.Value].Sector)).ToList();
        var same = matched.Count(p => p.Line == sectorLine[units[p.UnitId!.Value].Sector]);
        Assert.True(same > matched.Count * 0.7, $"Only {same} of {matched.Count} cadres have their unit's line.");
        foreach (var line in sectorLine.Values) Assert.True(Data.Cadres.Count(p => p.Line == line) >= 40, $"Too few cadres on line {line}.");
    }

    [Fact]
    public void CommunityWorkers_Are118_64ExistingAnd54Recruited_FromTheFiveSources()
    {
        var workers = Data.Workers.ToList();
        Assert.Equal(118, workers.Count);
        var recruited = workers.Where(p => p.History.Any(h => h.Field == HistoryField.Unit && h.To is null && h.Value.Contains(DemoSeeder.RecruitedMarker, StringComparison.Ordinal))).ToList();
        Assert.Equal(54, recruited.Count);
        Assert.Equal(64, workers.Count - recruited.Count);
        Assert.All(recruited, p => Assert.Equal(StaffStatus.NotEstablished, p.StaffStatus));
        Assert.Equal(64, workers.Count(p => p.StaffStatus == StaffStatus.Established));
        foreach (var (source, count) in DemoSeeder.RecruitmentSources)
            Assert.Equal(count, recruited.Count(p => p.History.Any(h => h.Value.EndsWith("·" + source + "）", StringComparison.Ordinal))));
        Assert.All(recruited, p => Assert.Equal("一般干部", p.Post));
    }

    [Fact]
    public void CommunityWorkers_EachCommunityHasOneHeadAndOneDeputy_AndStaffByHouseholds()
    {
        var workers = Data.Workers.ToList();
        foreach (var c in Data.Communities)
        {
            var here = workers.Where(p => p.CommunityId == c.Id).ToList();
            Assert.Single(here, p => p.Post == "正职");
            Assert.Single(here, p => p.Post == "副职");
            Assert.All(here, p => Assert.Contains(p.Post, new[] { "正职", "副职", "一般干部" }));
            Assert.All(here, p => Assert.Equal(c.Code, p.RegionCode));
            Assert.All(here, p => Assert.Equal(c.RegionPath, p.RegionPath));
            // S-CW-1: one worker per 300–500 households, give or take one.
            var low = (int)Math.Ceiling(c.Households / 500.0);
            var high = Math.Max(low, c.Households / 300);
            Assert.InRange(here.Count, low - 1, high + 1);
        }
        Assert.All(workers, p => Assert.Null(p.UnitId));
        Assert.True(workers.Count(p => p.EthnicCode == "01") > 100);
        Assert.True(workers.Count(p => p.IdNumber.RegionPart == "360723") > 90);
    }

    [Fact]
    public void People_HaveValidUniqueIdNumbers_AgreeingWithBirthDateAndGender()
    {
        Assert.Equal(616 + DemoSeeder.ReserveCadreCount + 118, Data.People.Count);
        foreach (var p in Data.People)
        {
            Assert.True(IdNumber.TryParse(p.IdNumber.Value, Today, out var id, out var error), $"{p.Name}: {error}");
            Assert.Equal(p.BirthDate, id.Value.BirthDate);
            Assert.Equal(p.GenderCode, id.Value.GenderCode);
        }
        Assert.Equal(Data.People.Count, Data.People.Select(p => p.IdNumber.Value).Distinct().Count());
        Assert.Equal(Data.People.Count, Data.People.Select(p => p.Phone).Distinct().Count());
        Assert.InRange(Data.People.Count(p => p.GenderCode == "2"), 150, 450);
    }

    [Fact]
    public async Task People_PassThePersonValidator_AsIfEnteredByHand()
    {
        var lookups = new PersonValidator.Lookups
        {
            Codes = Data.Codes,
            Units = Data.Units.ToDictionary(u => u.Id),
            Communities = Data.Communities.ToDictionary(c => c.Id),
        };
        await fixture.Services.AsSystemAsync(sp =>
        {
            var validator = sp.GetRequiredService<PersonValidator>();
            foreach (var p in Data.People)
            {
                var valid = validator.Validate(ToInput(p), null, lookups);
                Assert.True(!valid.Errors.Any, $"{p.Name}: {string.Join("; ", valid.Errors.ToDictionary().SelectMany(e => e.Value.Select(m => e.Key + ": " + m)))}");
                Assert.Equal(p.RegionPath, valid.RegionPath);
            }
            return Task.FromResult(0);
        });
    }

    [Fact]
    public void People_HaveEveryRegistryFieldFilled_AndAHistoryEndingInTheCurrentValues()
    {
        foreach (var p in Data.People)
        {
            Assert.Equal(TestServices.DefaultNow.UtcDateTime, p.CreatedAtUtc);
            Assert.Equal(TestServices.DefaultNow.UtcDateTime, p.UpdatedAtUtc);
            Assert.Equal(ChineseText.StrokeSortKey(p.Name), p.NameSortKey);
            Assert.Equal(ChineseText.PinyinInitials(p.Name), p.NameInitials);
            Assert.False(string.IsNullOrEmpty(p.NameInitials), p.Name);
            Assert.NotNull(p.WorkStartDate);
            Assert.NotNull(p.EducationCode);
            Assert.NotNull(p.Post);
            Assert.NotNull(p.HomeCountyCode);
            Assert.False(string.IsNullOrEmpty(p.Languages));
            Assert.Matches(MobilePattern(), p.Phone);
            // Party members have a joining date, except the one reserve cadre whose record lacks it (an unknown in review).
            if (!CodeTables.PartyMember.Contains(p.PoliticalStatusCode)) Assert.Null(p.PartyJoinDate);
            if (p.EducationCode is "21" or "14") Assert.NotNull(p.DegreeCode);

            Assert.Equal(p.Post, OpenPeriod(p, HistoryField.Post));
            Assert.Equal(p.EducationCode, OpenPeriod(p, HistoryField.Education));
            Assert.Equal(p.DegreeCode, OpenPeriod(p, HistoryField.Degree));
            Assert.Equal(p.Rank, OpenPeriod(p, HistoryField.Rank));
            Assert.NotNull(OpenPeriod(p, HistoryField.Unit));
            Assert.All(p.History, h =>
            {
                Assert.Equal(DemoSeeder.RecordedBy, h.RecordedBy);
                Assert.True(h.From <= Today, $"{p.Name}: {h.Field} {h.Value} starts in the future.");
                if (h.To is { } to) Assert.True(h.From <= to, $"{p.Name}: {h.Field} {h.Value} ends before it starts.");
            });
        }
        Assert.Single(Data.People, p => CodeTables.PartyMember.Contains(p.PoliticalStatusCode) && p.PartyJoinDate is null);
        var units = Data.Units.ToDictionary(u => u.Id);
        Assert.All(Data.Cadres, p => Assert.Equal(units[p.UnitId!.Value].Name, OpenPeriod(p, HistoryField.Unit)));
        Assert.Contains(Data.People, p => p.History.Count(h => h.Field == HistoryField.Unit) >= 2);
        Assert.Contains(Data.People, p => p.History.Count(h => h.Field == HistoryField.Post) >= 2);
        Assert.Contains(Data.People, p => p.History.Count(h => h.Field == HistoryField.Rank) >= 2);
    }

    [Fact]
    public async Task DemoAccounts_SeeTheirOwnPartOfTheDataSet()
    {
        async Task<(int People, int Villages)> CountAs(string user) => await fixture.Services.AsUserAsync(user, async sp =>
        {
            var db = sp.GetRequiredService<GrassrootsDb>();
            return (await db.People.CountAsync(TestContext.Current.CancellationToken), await db.Villages.CountAsync(TestContext.Current.CancellationToken));
        });

        // A cadre is seen from the home unit's node and, while stationed, from the village's (S-MNG-7).
        bool SeenFrom(Person p, string code) => p.RegionCode.Value.StartsWith(code, StringComparison.Ordinal)
            || (p.StationedRegionPath?.Contains("/" + code + "/", StringComparison.Ordinal) ?? false);
        Assert.Equal((616 + DemoSeeder.ReserveCadreCount, 145), await CountAs("ali.prefecture"));
        var pulan = await CountAs("pulan.county");
        Assert.Equal(Data.People.Count(p => SeenFrom(p, "542521")), pulan.People);
        Assert.InRange(pulan.People, 40, 150);
        Assert.Equal(10, pulan.Villages);
        var zanda = await CountAs("zanda.county");
        Assert.Equal(Data.People.Count(p => SeenFrom(p, "542522")), zanda.People);
        Assert.Equal(16, zanda.Villages);
        var town = await CountAs("pulan.township");
        Assert.Equal(Data.People.Count(p => SeenFrom(p, "542521100")), town.People);
        Assert.InRange(town.People, 20, 60); // the town government's own cadres and the teams in its six villages
        Assert.Equal(6, town.Villages);
        Assert.Equal((118, 0), await CountAs("dayu.civil"));
        Assert.Equal((0, 0), await CountAs("sysadmin"));
    }

    [Fact]
    public async Task Postings_StationEveryAliCadre_OneFirstSecretaryPerVillage_NeverInTheirHomeCounty()
    {
        var ct = TestContext.Current.CancellationToken;
        var postings = await fixture.Services.WithSystemDbAsync(db => db.Postings.IgnoreQueryFilters().AsNoTracking().ToListAsync(ct));
        var people = Data.People.ToDictionary(p => p.Id);
        var villages = Data.Villages.ToDictionary(v => v.Id);

        Assert.Equal(DemoSeeder.CadreCount, postings.Count);
        Assert.Equal(DemoSeeder.CadreCount, postings.Select(p => p.PersonId).Distinct().Count());
        var secretaries = postings.Where(p => p.Role == Dispatch.PostingRole.FirstSecretary).ToList();
        Assert.Equal(DemoSeeder.VillageCount, secretaries.Select(p => p.VillageId).Distinct().Count());
        Assert.All(secretaries, p => Assert.True(DemoSeeder.IsFirstSecretaryCandidate(people[p.PersonId], DemoSeeder.ReferenceDate)));
        Assert.All(postings, p =>
        {
            var person = people[p.PersonId];
            var village = villages[p.VillageId];
            Assert.Equal(village.RegionPath, p.RegionPath);
            Assert.Equal(village.RegionPath, person.StationedRegionPath);
            Assert.Equal(person.RegionPath, p.HomeRegionPath);
            // Avoidance (S-SEL-9): never in the home county (籍贯); county units may station cadres in their own county.
            Assert.NotNull(person.HomeCountyCode);
            Assert.NotEqual(person.HomeCountyCode!.Value.Value, village.Code.CountyPrefix);
        });
        var teams = postings.GroupBy(p => p.VillageId).Select(g => g.Count()).ToList();
        Assert.Equal(DemoSeeder.VillageCount, teams.Count);
        Assert.Equal(DemoSeeder.CadreCount, teams.Sum());
    }

    [Fact]
    public async Task CadreAccount_BelongsToAFirstSecretaryInAPulanTownVillage()
    {
        var ct = TestContext.Current.CancellationToken;
        var (personId, roles) = await fixture.Services.WithSystemDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.UserName == DemoSeeder.CadreUserName, ct);
            var names = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == user.Id select r.Name).ToListAsync(ct);
            return (user.PersonId, names);
        });
        Assert.Equal([Roles.Cadre], roles);
        var posting = await fixture.Services.WithSystemDbAsync(db => db.Postings.IgnoreQueryFilters().AsNoTracking().SingleAsync(p => p.PersonId == personId, ct));
        Assert.Equal(Dispatch.PostingRole.FirstSecretary, posting.Role);
        Assert.Equal("542521100201", posting.VillageCode.Value);
    }

    [Fact]
    public async Task SeedAgain_ReturnsFalse_AndAddsNothing()
    {
        var before = await DemoData.CountRowsAsync(fixture.Services);
        var seeded = await fixture.Services.AsSystemAsync(sp => sp.GetRequiredService<DemoSeeder>().SeedAsync(TestContext.Current.CancellationToken));
        Assert.False(seeded);
        Assert.Equal(before, await DemoData.CountRowsAsync(fixture.Services));
    }

    [Fact]
    public async Task Seed_IntoAnotherFreshDatabase_ProducesTheSameData()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var other = await TestServices.StartAsync(fixture.Services.Database, ct);
        Assert.True(await other.AsSystemAsync(sp => sp.GetRequiredService<DemoSeeder>().SeedAsync(withYear: false, ct)));
        var again = await DemoData.LoadAsync(other);

        Assert.Equal(Data.People.Select(Fingerprint), again.People.Select(Fingerprint));
        Assert.Equal(Data.Villages.Select(v => (v.Code, v.Tags, v.PrimaryTag, v.Latitude, v.Longitude, v.Households)),
            again.Villages.Select(v => (v.Code, v.Tags, v.PrimaryTag, v.Latitude, v.Longitude, v.Households)));
        Assert.Equal(Data.Communities.Select(c => (c.Code, c.Households)), again.Communities.Select(c => (c.Code, c.Households)));
        Assert.Equal(Data.Units.Select(u => u.Name).Order(StringComparer.Ordinal), again.Units.Select(u => u.Name).Order(StringComparer.Ordinal));

        static string Fingerprint(Person p) => string.Join("|", p.IdNumber.Value, p.Name, p.PoliticalStatusCode, p.PartyJoinDate, p.Rank, p.Post, p.Phone,
            string.Join(",", p.History.OrderBy(h => h.Field).ThenBy(h => h.From).ThenBy(h => h.Value, StringComparer.Ordinal).Select(h => $"{h.Field}:{h.Value}:{h.From}:{h.To}")));
    }

    [Fact]
    public void CompletedRound_DemandsAll145Units_471Members_And616ApprovedAttestedCandidatesWhoAllPass()
    {
        var round = Data.CompletedRound;
        Assert.Equal(RoundStatus.Published, round.Status); // the demo publishes its plan
        Assert.Equal("542500", round.RegionCode.Value);
        Assert.Equal(DemoSeeder.ReferenceDate, round.ReferenceDate);
        Assert.Equal(24, round.TermMonths);
        Assert.Equal(145, round.Demand.Count);
        Assert.Equal(Data.Villages.Select(v => v.Id).Order(), round.Demand.Select(d => d.VillageId).Order());
        Assert.Equal(471, round.Demand.Sum(d => d.Members));
        Assert.All(round.Demand, d => Assert.InRange(d.Members, 1, 8));
        var villages = Data.Villages.ToDictionary(v => v.Id);
        Assert.All(round.Demand, d => Assert.Equal(villages[d.VillageId].PrimaryTag, d.FitTag));
        Assert.Equal(616, round.Quotas.Sum(q => q.Quota));

        var candidates = Data.Candidates.Where(c => c.RoundId == round.Id).ToList();
        Assert.Equal(616, candidates.Count);
        Assert.All(candidates, c => Assert.Equal(CandidateStatus.Approved, c.Status));
        Assert.Contains(candidates, c => c.Entry == CandidateEntry.SelfNomination);
        Assert.Contains(candidates, c => c.Entry == CandidateEntry.UnitRecommendation);
        Assert.All(candidates, c => Assert.True(Assert.Single(c.Attestations).AllThree));
        Assert.All(candidates, c => Assert.False(string.IsNullOrWhiteSpace(c.Statement)));

        var people = Data.People.ToDictionary(p => p.Id);
        var policy = EligibilityPolicy.Parse(round.EligibilityPolicy);
        var reports = candidates.Select(c => EligibilityEngine.Evaluate(people[c.PersonId], round.ReferenceDate, policy)).ToList();
        Assert.All(reports, r => Assert.Equal(RuleOutcome.Pass, r.Outcome));
        Assert.Equal(145, reports.Count(r => r.FirstSecretaryOutcome == RuleOutcome.Pass));
        Assert.All(candidates, c => Assert.Equal(people[c.PersonId].RegionPath, c.RegionPath));
    }

    [Fact]
    public void OpenRound_HasPendingCandidates_OnePassingAndAttested_OneUnknown_OneFailing()
    {
        var round = Data.OpenRound;
        Assert.Equal(RoundStatus.Open, round.Status);
        Assert.Equal(471, round.Demand.Sum(d => d.Members));
        var policy = EligibilityPolicy.Parse(round.EligibilityPolicy);
        Assert.Contains(policy.Rules, r => r.Kind == RuleKinds.AgeLimit);
        var people = Data.People.ToDictionary(p => p.Id);
        var candidates = Data.Candidates.Where(c => c.RoundId == round.Id).ToList();
        Assert.InRange(candidates.Count, 4, 10);
        Assert.All(candidates, c => Assert.Equal(CandidateStatus.Pending, c.Status));
        Assert.DoesNotContain(candidates, c => Data.Stationed.Any(p => p.Id == c.PersonId));
        var outcomes = candidates.Select(c => (c, report: EligibilityEngine.Evaluate(people[c.PersonId], round.ReferenceDate, policy))).ToList();
        Assert.Contains(outcomes, x => x.report.Outcome == RuleOutcome.Pass && x.c.Attestations.Any(a => a.AllThree));
        var unknown = Assert.Single(outcomes, x => x.report.Outcome == RuleOutcome.Unknown);
        Assert.Equal("入党时间未填写", Assert.Single(unknown.report.Blocking).Reason);
        Assert.Contains(outcomes, x => x.report.Outcome == RuleOutcome.Fail);
        Assert.Contains(candidates, c => c.RegionPath.Contains("/542521/", StringComparison.Ordinal));
    }

    static string? OpenPeriod(Person p, HistoryField field) => p.History.SingleOrDefault(h => h.Field == field && h.To is null)?.Value;

    static PersonInput ToInput(Person p) => new()
    {
        Kind = p.Kind.ToString(),
        Name = p.Name,
        GenderCode = p.GenderCode,
        EthnicCode = p.EthnicCode,
        BirthDate = p.BirthDate,
        IdNumber = p.IdNumber.Value,
        PoliticalStatusCode = p.PoliticalStatusCode,
        PartyJoinDate = p.PartyJoinDate,
        WorkStartDate = p.WorkStartDate,
        EducationCode = p.EducationCode,
        DegreeCode = p.DegreeCode,
        StaffStatus = p.StaffStatus.ToString(),
        UnitId = p.UnitId,
        CommunityId = p.CommunityId,
        Post = p.Post,
        Rank = p.Rank,
        Line = p.Line.ToString(),
        Health = p.Health?.ToString(),
        HomeCountyCode = p.HomeCountyCode?.Value,
        Languages = p.Languages,
        Phone = p.Phone,
    };

    static double Distance(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var a = Math.Pow(Math.Sin(Rad(lat2 - lat1) / 2), 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(Rad(lon2 - lon1) / 2), 2);
        return 2 * 6371.0 * Math.Asin(Math.Sqrt(a));
    }
}

public sealed class DemoSeederTestsSqlite(SqliteDemoData fixture) : DemoSeederTests(fixture), IClassFixture<SqliteDemoData>;

public sealed class DemoSeederTestsPostgres(PostgresDemoData fixture) : DemoSeederTests(fixture), IClassFixture<PostgresDemoData>;
