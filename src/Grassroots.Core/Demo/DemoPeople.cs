using System.Globalization;
using Grassroots.Common;
using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Demo;

/// <summary>
/// The people of the demo data set: Ali's 616 stationed cadres (145 of them fit to be first secretaries; all 616 pass
/// 1+2+X on the reference date), a reserve of cadres who were not stationed (new hires, contract staff, recent or
/// probationary party members, non-members, health limits, one record without a party joining date), and Dayu's 118
/// community workers (64 existing fiscally funded staff, 54 recruited), each with a plausible history.
/// Every field of S-REG-5 is filled (bar that one joining date); ID numbers are valid GB 11643 numbers that agree
/// with birth date and gender.
/// </summary>
internal sealed class DemoPeople(DateTime recordedAtUtc)
{
    /// <summary>Why a cadre is, or is not, fit to be a first secretary (see <see cref="DemoSeeder.IsFirstSecretaryCandidate"/>).</summary>
    enum Standing
    {
        /// <summary>Party member of 3+ years, rank 科员 or above, established, fit: a first-secretary candidate.</summary>
        Candidate,
        /// <summary>Joined the party in 2024: a year's standing on the reference date, fewer than 3 years throughout 2026.</summary>
        RecentMember,
        /// <summary>Long-standing party member, rank below 科员 (办事员).</summary>
        BelowClerk,
        /// <summary>Probationary party member (预备党员) admitted in 2025.</summary>
        ProbationaryMember,
        /// <summary>Not a party member (群众).</summary>
        Masses,
        /// <summary>Youth League member (共青团员), 28 or younger.</summary>
        League,
        /// <summary>Hired in the second half of 2025, still on probation, no rank yet.</summary>
        Probation,
        /// <summary>Contract staff outside the establishment (编外), no rank.</summary>
        Contract,
        /// <summary>Joined the party in 2025: less than a year's standing on 2026-01-01, a full year by 2027.</summary>
        RecentJoiner,
        /// <summary>A recent party member whose health limits or prevents duty, or is not recorded.</summary>
        HealthIssue,
        /// <summary>A party member whose joining date was never entered (an old roster's gap).</summary>
        MissingPartyDate,
    }

    /// <summary>The stationed cadres who are not first-secretary candidates: all pass 1+2+X on the reference date.</summary>
    static readonly (Standing Item, double Weight)[] StationedMix = [(Standing.RecentMember, 0.8), (Standing.BelowClerk, 0.2)];

    /// <summary>
    /// The reserve (not stationed in 2026), with where each works: 0 the prefecture, 1–7 the counties in code order
    /// (1 普兰, 2 札达, …). Spread so that every county account sees some of them.
    /// </summary>
    static readonly (Standing Standing, int Where)[] ReserveMix =
    [
        (Standing.RecentJoiner, 1), (Standing.RecentJoiner, 2), (Standing.RecentJoiner, 0), (Standing.RecentJoiner, 3),
        (Standing.RecentJoiner, 4), (Standing.RecentJoiner, 5), (Standing.RecentJoiner, 6), (Standing.RecentJoiner, 7),
        (Standing.MissingPartyDate, 1),
        (Standing.Contract, 1), (Standing.Contract, 0), (Standing.Contract, 3), (Standing.Contract, 5),
        (Standing.Probation, 2), (Standing.Probation, 0), (Standing.Probation, 4), (Standing.Probation, 6),
        (Standing.ProbationaryMember, 0), (Standing.ProbationaryMember, 1), (Standing.ProbationaryMember, 7),
        (Standing.Masses, 0), (Standing.Masses, 2), (Standing.Masses, 3), (Standing.Masses, 6),
        (Standing.League, 0), (Standing.League, 4), (Standing.League, 5),
        (Standing.HealthIssue, 0), (Standing.HealthIssue, 1), (Standing.HealthIssue, 2),
    ];

    static readonly HealthStatus?[] HealthIssues = [HealthStatus.Limited, HealthStatus.Unfit, null];

    /// <summary>Tibetan cadres' birthplaces outside Ali (codes valid at their birth).</summary>
    static readonly string[] OtherTibetCounties = ["540102", "540121", "540122", "542121", "542221", "542301", "542322", "542421", "542621"];

    /// <summary>Inland birthplaces of Han cadres (aid-Tibet cadres and graduates who came to work in Ali).</summary>
    static readonly string[] InlandCounties =
    [
        "510104", "510681", "511321", "511902", "500228", "500230", "610124", "410122", "411324", "430124", "430521",
        "620121", "421181", "370181", "320321", "130124", "340822", "130129",
    ];

    static readonly string[] HuiCounties = ["630121", "622921", "640181"];

    /// <summary>Dayu county and its neighbours in Ganzhou.</summary>
    static readonly string[] GanzhouCounties = ["360782", "360724", "360722", "360725", "360702"];

    /// <summary>GB 3304: Tibetan (04) majority, Han (01), a few Hui (03); more Han in the prefecture's offices.</summary>
    static readonly (string Item, double Weight)[] PrefectureEthnicMix = [("04", 0.62), ("01", 0.35), ("03", 0.03)];

    static readonly (string Item, double Weight)[] CountyEthnicMix = [("04", 0.78), ("01", 0.20), ("03", 0.02)];

    /// <summary>Dayu's towns and townships (not the industrial park), where some community staff worked before.</summary>
    static readonly string[] DayuTowns = RegionCatalog.Embedded.ChildrenOf(DemoRegistry.DayuCode)
        .Where(t => t.Name.EndsWith('镇') || t.Name.EndsWith('乡')).Select(t => t.Name).ToArray();

    static readonly string[] PhonePrefixes = ["133", "135", "136", "138", "139", "150", "151", "152", "157", "158", "159", "180", "181", "182", "187", "188", "189", "191", "198", "199"];

    /// <summary>Rank thresholds in years of service (职务职级并行).</summary>
    static readonly (string Rank, int Years)[] RankSteps =
    [
        ("二级科员", 1), ("一级科员", 3), ("四级主任科员", 8), ("三级主任科员", 14), ("二级主任科员", 20), ("一级主任科员", 26),
    ];

    /// <summary>Where recruited community workers came from (S-CW-2), with how many of the 54 each source supplied.</summary>
    public static readonly IReadOnlyList<(string Source, int Count)> RecruitmentSources =
    [
        ("高校毕业生", 20), ("退役军人", 10), ("购买服务人员", 12), ("辅警", 6), ("新时代文明实践站工作人员", 6),
    ];

    static readonly DateOnly Today = DemoSeeder.ReferenceDate;

    readonly HashSet<string> idNumbers = new(StringComparer.Ordinal);
    readonly HashSet<string> phones = new(StringComparer.Ordinal);

    /// <summary>The 616 stationed cadres, then the reserve (in the order of <see cref="ReserveMix"/>).</summary>
    public (List<Person> Stationed, List<Person> Reserve) Cadres(IReadOnlyList<(Unit Unit, double Weight)> prefectureUnits, IReadOnlyDictionary<string, List<(Unit Unit, double Weight)>> countyUnits)
    {
        var r = DemoRandom.Stream(3);
        var villagesPerCounty = DemoRegistry.AliVillageLevelUnits().GroupBy(v => v.Code.CountyPrefix).ToDictionary(g => g.Key, g => g.Count());
        var counties = countyUnits.Keys.Order(StringComparer.Ordinal).ToList();
        // County cadres: partly an equal share per county, mostly in proportion to the villages to staff.
        var perCounty = DemoRandom.Apportion(DemoSeeder.CadreCount - DemoSeeder.PrefectureCadreCount,
            counties.Select(c => 0.4 / counties.Count + 0.6 * villagesPerCounty[c] / DemoSeeder.VillageCount).ToList());

        var units = new List<Unit>(DemoSeeder.CadreCount);
        for (var i = 0; i < DemoSeeder.PrefectureCadreCount; i++) units.Add(r.PickWeighted(prefectureUnits));
        for (var c = 0; c < counties.Count; c++)
        {
            for (var i = 0; i < perCounty[c]; i++) units.Add(r.PickWeighted(countyUnits[counties[c]]));
        }

        var order = Enumerable.Range(0, units.Count).ToArray();
        r.Shuffle(order);
        var candidates = order.Take(DemoSeeder.FirstSecretaryCount).ToHashSet();

        var people = new List<Person>(units.Count);
        for (var i = 0; i < units.Count; i++)
            people.Add(Cadre(r, units[i], candidates.Contains(i) ? Standing.Candidate : r.PickWeighted(StationedMix)));

        // The reserve has a stream of its own, so its size or mix never changes the stationed cadres.
        var reserveRandom = DemoRandom.Stream(5);
        var reserve = new List<Person>(ReserveMix.Length);
        var issues = 0;
        foreach (var (standing, where) in ReserveMix)
        {
            var unit = where == 0 ? reserveRandom.PickWeighted(prefectureUnits) : reserveRandom.PickWeighted(countyUnits[counties[where - 1]]);
            reserve.Add(Cadre(reserveRandom, unit, standing, standing == Standing.HealthIssue ? HealthIssues[issues++ % HealthIssues.Length] : HealthStatus.Fit));
        }
        return (people, reserve);
    }

    Person Cadre(Random r, Unit unit, Standing standing, HealthStatus? healthIssue = HealthStatus.Fit)
    {
        var prefecture = unit.Level == UnitLevel.Prefecture;
        var male = r.Chance(0.68);
        var ethnic = r.PickWeighted(prefecture ? PrefectureEthnicMix : CountyEthnicMix);
        var name = ethnic == "04" ? DemoNames.Tibetan(r, male) : DemoNames.Han(r, male);
        var birthplace = ethnic switch
        {
            "04" => r.Chance(0.7) ? r.Pick(DemoRegistry.AliCounties()).Code.Value : r.Pick(OtherTibetCounties),
            "03" => r.Pick(HuiCounties),
            _ => r.Pick(InlandCounties),
        };

        var (minAge, maxAge) = standing switch
        {
            Standing.Candidate => (27, 55),
            Standing.BelowClerk => (25, 50),
            Standing.ProbationaryMember => (25, 40),
            Standing.League => (25, 28),
            Standing.Probation => (25, 32),
            Standing.Contract => (25, 48),
            Standing.RecentJoiner => (25, 45),
            Standing.MissingPartyDate => (30, 50),
            _ => (25, 55),
        };
        var birth = r.Date(new DateOnly(2026 - maxAge, 1, 1), new DateOnly(2026 - minAge, 1, 1));

        var education = standing == Standing.BelowClerk
            ? r.PickWeighted([("31", 0.5), ("41", 0.3), ("21", 0.2)])
            : r.PickWeighted([("21", 0.62), ("31", 0.25), ("14", 0.09), ("41", 0.04)]);
        // Stationed cadres (and the reserve who pass 1+2+X in 2027) have two full years of work by the reference date.
        var workCap = standing switch
        {
            Standing.Candidate => new DateOnly(2023, 6, 30),
            Standing.Probation => new DateOnly(2025, 6, 30),
            Standing.RecentMember or Standing.BelowClerk or Standing.RecentJoiner or Standing.HealthIssue or Standing.MissingPartyDate => new DateOnly(2023, 12, 31),
            _ => new DateOnly(2025, 3, 31),
        };
        var graduation = Graduation(birth, ref education, workCap);
        var workStart = standing == Standing.Probation
            ? r.Date(new DateOnly(2025, 7, 1), new DateOnly(2025, 12, 31))
            : Min(graduation.AddDays(r.Next(30, 400)), workCap);

        var adult = birth.AddYears(18).AddDays(30);
        var longStanding = new DateOnly(2022, 12, 31);
        (string Code, DateOnly? Joined) party = standing switch
        {
            Standing.Candidate or Standing.BelowClerk => ("01", r.Date(Max(adult, graduation.AddYears(-2)), Min(longStanding, workStart.AddYears(10)))),
            Standing.RecentMember or Standing.HealthIssue => ("01", r.Date(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31))),
            Standing.RecentJoiner => ("01", r.Date(new DateOnly(2025, 2, 1), new DateOnly(2025, 10, 31))),
            Standing.MissingPartyDate => ("01", null),
            Standing.ProbationaryMember => ("02", r.Date(new DateOnly(2025, 6, 1), new DateOnly(2025, 11, 30))),
            Standing.League => (birth.Year >= 1998 ? "03" : "13", null),
            Standing.Probation => r.PickWeighted([("01", 0.5), ("03", 0.2), ("13", 0.3)]) switch
            {
                "01" => ("01", r.Date(Max(adult, graduation.AddYears(-3)), Min(graduation, longStanding))),
                "03" when birth.Year >= 1998 => ("03", null),
                _ => ("13", null),
            },
            Standing.Contract => r.Chance(0.4) ? ("01", r.Date(adult, longStanding)) : ("13", null),
            _ => ("13", null),
        };
        var (political, joined) = party;

        var rank = standing switch
        {
            Standing.BelowClerk => "办事员",
            Standing.Probation or Standing.Contract => null,
            _ => RankFor(r, workStart),
        };
        var years = (Today.DayNumber - workStart.DayNumber) / 365.25;
        var post = standing switch
        {
            Standing.Probation => "科员",
            Standing.Contract => "编外聘用人员",
            Standing.BelowClerk => "干事",
            _ => PostFor(r, unit, years),
        };
        var line = LineFor(r, unit.Sector);
        var person = new Person
        {
            Kind = PersonKind.Cadre,
            Name = name,
            NameSortKey = ChineseText.StrokeSortKey(name),
            NameInitials = ChineseText.PinyinInitials(name),
            GenderCode = male ? "1" : "2",
            EthnicCode = ethnic,
            BirthDate = birth,
            IdNumber = NewIdNumber(r, birthplace, birth, male),
            PoliticalStatusCode = political,
            PartyJoinDate = joined,
            WorkStartDate = workStart,
            EducationCode = education,
            DegreeCode = DegreeFor(education, line, unit.Sector, r),
            StaffStatus = standing switch { Standing.Probation => StaffStatus.Probation, Standing.Contract => StaffStatus.NotEstablished, _ => StaffStatus.Established },
            UnitId = unit.Id,
            Post = post,
            Rank = rank,
            Line = line,
            Health = standing switch
            {
                Standing.Candidate or Standing.RecentMember or Standing.BelowClerk or Standing.RecentJoiner or Standing.MissingPartyDate => HealthStatus.Fit,
                Standing.HealthIssue => healthIssue,
                _ => r.PickWeighted<HealthStatus?>([(HealthStatus.Fit, 0.9), (HealthStatus.Limited, 0.06), (HealthStatus.Unfit, 0.02), (null, 0.02)]),
            },
            HomeCountyCode = RegionCode.Parse(birthplace),
            Languages = ethnic == "04" ? "藏语、汉语" : r.Chance(0.18) ? "汉语、藏语" : "汉语",
            Phone = NewPhone(r),
            RegionCode = unit.RegionCode,
            RegionPath = unit.RegionPath,
        };
        CadreHistory(r, person, unit, graduation, years);
        return person;
    }

    /// <summary>Unit, post, rank, education and degree periods leading to the current values.</summary>
    void CadreHistory(Random r, Person p, Unit unit, DateOnly graduation, double years)
    {
        var workStart = p.WorkStartDate!.Value;
        EducationHistory(p, graduation);

        var joinedUnit = workStart;
        if (years >= 6 && r.Chance(0.6))
        {
            // Many cadres started in a township government before moving to a county or prefecture unit.
            var county = unit.Level == UnitLevel.County ? unit.RegionCode.Value : r.Pick(DemoRegistry.AliCounties()).Code.Value;
            var township = r.Pick(RegionCatalog.Embedded.ChildrenOf(county));
            joinedUnit = r.Date(workStart.AddYears(2), Min(workStart.AddYears(10), Today.AddYears(-1)));
            Add(p, HistoryField.Unit, township.Name + "人民政府", workStart, joinedUnit);
        }
        Add(p, HistoryField.Unit, unit.Name, joinedUnit, null);

        var postSince = joinedUnit;
        if (p.Post is not ("科员" or "干事" or "民警" or "书记员" or "法官助理" or "编外聘用人员") && years >= 5)
        {
            postSince = r.Date(Max(joinedUnit, workStart.AddYears(4)), Today.AddMonths(-6));
            Add(p, HistoryField.Post, "科员", workStart, postSince);
        }
        Add(p, HistoryField.Post, p.Post!, postSince, null);

        if (p.Rank is { } rank)
        {
            var step = Array.FindIndex(RankSteps, s => s.Rank == rank);
            var since = Min(workStart.AddYears(step < 0 ? 1 : RankSteps[step].Years), Today.AddDays(-1));
            if (step > 0)
            {
                var previousSince = Min(workStart.AddYears(RankSteps[step - 1].Years), since);
                Add(p, HistoryField.Rank, RankSteps[step - 1].Rank, previousSince, since);
            }
            Add(p, HistoryField.Rank, rank, since, null);
        }
    }

    public List<Person> CommunityWorkers(IReadOnlyList<Community> communities)
    {
        var r = DemoRandom.Stream(4);
        var perCommunity = DemoRandom.Apportion(DemoSeeder.CommunityWorkerCount, communities.Select(c => (double)c.Households).ToList());

        // Heads and deputies come from the existing staff; the other posts are dealt out among existing and recruited staff.
        var staffTokens = Enumerable.Repeat<string?>(null, DemoSeeder.ExistingCommunityWorkerCount - 2 * communities.Count)
            .Concat(RecruitmentSources.SelectMany(s => Enumerable.Repeat<string?>(s.Source, s.Count)))
            .ToArray();
        r.Shuffle(staffTokens);

        var people = new List<Person>(DemoSeeder.CommunityWorkerCount);
        var next = 0;
        for (var c = 0; c < communities.Count; c++)
        {
            people.Add(ExistingWorker(r, communities[c], "正职"));
            people.Add(ExistingWorker(r, communities[c], "副职"));
            for (var i = 2; i < perCommunity[c]; i++)
            {
                var source = staffTokens[next++];
                people.Add(source is null ? ExistingWorker(r, communities[c], "一般干部") : RecruitedWorker(r, communities[c], source));
            }
        }
        return people;
    }

    Person ExistingWorker(Random r, Community community, string post)
    {
        var male = r.Chance(post == "正职" ? 0.55 : 0.35);
        var birth = post switch
        {
            "正职" => r.Date(new DateOnly(1971, 1, 1), new DateOnly(1988, 12, 31)),
            "副职" => r.Date(new DateOnly(1975, 1, 1), new DateOnly(1992, 12, 31)),
            _ => r.Date(new DateOnly(1976, 1, 1), new DateOnly(1998, 12, 31)),
        };
        var education = post == "一般干部"
            ? r.PickWeighted([("21", 0.35), ("31", 0.45), ("61", 0.15), ("41", 0.05)])
            : r.PickWeighted([("21", 0.5), ("31", 0.45), ("14", 0.05)]);
        var graduation = Graduation(birth, ref education, new DateOnly(2022, 6, 30));
        var workStart = graduation.AddDays(r.Next(30, 500));
        var political = post switch
        {
            "正职" => "01",
            "副职" => r.Chance(0.85) ? "01" : "13",
            _ => r.PickWeighted([("01", 0.4), ("13", 0.5), ("03", 0.1)]),
        };
        if (political == "03" && birth.Year < 1998) political = "13";
        var person = Worker(r, community, male, birth, education, workStart, political, post, StaffStatus.Established, null);

        EducationHistory(person, graduation);
        var joinedCommunity = r.Date(Max(workStart, new DateOnly(2006, 1, 1)), Max(workStart, new DateOnly(2022, 12, 31)));
        if (joinedCommunity.DayNumber - workStart.DayNumber > 365)
            Add(person, HistoryField.Unit, r.Pick(DayuTowns) + "人民政府", workStart, joinedCommunity);
        Add(person, HistoryField.Unit, community.Name, joinedCommunity, null);
        var postSince = joinedCommunity;
        if (post != "一般干部" && joinedCommunity.AddYears(2) < new DateOnly(2024, 12, 31))
        {
            postSince = r.Date(joinedCommunity.AddYears(2), new DateOnly(2024, 12, 31));
            Add(person, HistoryField.Post, "一般干部", joinedCommunity, postSince);
        }
        Add(person, HistoryField.Post, post, postSince, null);
        return person;
    }

    Person RecruitedWorker(Random r, Community community, string source)
    {
        var hired = r.Chance(0.5) ? new DateOnly(2024, 10, 8) : new DateOnly(2025, 9, 1);
        var male = r.Chance(source == "退役军人" ? 0.85 : source == "辅警" ? 0.7 : 0.35);
        var birth = source switch
        {
            "高校毕业生" => r.Date(new DateOnly(1998, 1, 1), new DateOnly(2002, 6, 30)),
            "退役军人" => r.Date(new DateOnly(1990, 1, 1), new DateOnly(2000, 12, 31)),
            "辅警" => r.Date(new DateOnly(1988, 1, 1), new DateOnly(1999, 12, 31)),
            _ => r.Date(new DateOnly(1985, 1, 1), new DateOnly(1998, 12, 31)),
        };
        var education = source switch
        {
            "高校毕业生" => r.PickWeighted([("21", 0.65), ("31", 0.3), ("14", 0.05)]),
            "退役军人" => r.PickWeighted([("31", 0.5), ("61", 0.4), ("21", 0.1)]),
            _ => r.PickWeighted([("31", 0.5), ("21", 0.4), ("61", 0.1)]),
        };
        var graduation = Graduation(birth, ref education, hired.AddMonths(-2));
        var political = source switch
        {
            "退役军人" => r.Chance(0.6) ? "01" : "13",
            "高校毕业生" => r.PickWeighted([("01", 0.25), ("03", 0.5), ("13", 0.25)]),
            _ => r.PickWeighted([("01", 0.35), ("13", 0.65)]),
        };
        if (political == "03" && birth.Year < 1998) political = "13";

        // Before recruitment: military service, or a post as auxiliary police, purchased-service or practice-station staff.
        DateOnly workStart;
        string? previousUnit = null;
        if (source == "高校毕业生") workStart = hired;
        else
        {
            var earliest = source == "退役军人" ? birth.AddYears(18) : graduation.AddDays(30);
            workStart = r.Date(Min(earliest, hired.AddYears(-2)), hired.AddYears(-2));
            previousUnit = source switch
            {
                "退役军人" => "中国人民解放军某部（服役）",
                "辅警" => "大余县公安局（辅警）",
                "购买服务人员" => "大余县民政局（政府购买服务岗位）",
                _ => "大余县新时代文明实践中心（文明实践员）",
            };
        }
        var person = Worker(r, community, male, birth, education, workStart, political, "一般干部", StaffStatus.NotEstablished, hired);

        EducationHistory(person, graduation);
        if (previousUnit is not null) Add(person, HistoryField.Unit, previousUnit, workStart, hired.AddDays(-1));
        Add(person, HistoryField.Unit, $"{community.Name}（{DemoSeeder.RecruitedMarker}·{source}）", hired, null);
        Add(person, HistoryField.Post, "一般干部", hired, null);
        return person;
    }

    Person Worker(Random r, Community community, bool male, DateOnly birth, string education, DateOnly workStart, string political, string post, StaffStatus staff, DateOnly? hired)
    {
        var ethnic = r.PickWeighted([("01", 0.97), ("22", 0.02), ("03", 0.01)]);
        var name = DemoNames.Han(r, male);
        var birthplace = r.Chance(0.88) ? DemoRegistry.DayuCode : r.Pick(GanzhouCounties);
        DateOnly? joined = political switch
        {
            "01" => r.Date(Max(birth.AddYears(19), workStart.AddYears(-3)), Min(hired ?? new DateOnly(2023, 12, 31), Max(birth.AddYears(19), workStart.AddYears(12)))),
            _ => null,
        };
        return new Person
        {
            Kind = PersonKind.CommunityWorker,
            Name = name,
            NameSortKey = ChineseText.StrokeSortKey(name),
            NameInitials = ChineseText.PinyinInitials(name),
            GenderCode = male ? "1" : "2",
            EthnicCode = ethnic,
            BirthDate = birth,
            IdNumber = NewIdNumber(r, birthplace, birth, male),
            PoliticalStatusCode = political,
            PartyJoinDate = joined,
            WorkStartDate = workStart,
            EducationCode = education,
            DegreeCode = DegreeFor(education, CadreLine.Other, "民政", r),
            StaffStatus = staff,
            CommunityId = community.Id,
            Post = post,
            Line = CadreLine.Other,
            Health = r.PickWeighted<HealthStatus?>([(HealthStatus.Fit, 0.96), (HealthStatus.Limited, 0.025), (null, 0.015)]),
            HomeCountyCode = RegionCode.Parse(birthplace),
            Languages = birthplace == DemoRegistry.DayuCode && r.Chance(0.7) ? "汉语、客家话" : "汉语",
            Phone = NewPhone(r),
            RegionCode = community.Code,
            RegionPath = community.RegionPath,
        };
    }

    /// <summary>Graduation (1 July) for the education; steps the education down when it would end after <paramref name="latest"/>.</summary>
    static DateOnly Graduation(DateOnly birth, ref string education, DateOnly latest)
    {
        while (true)
        {
            var age = education switch { "14" => 25, "21" => 22, "31" => 21, "41" => 18, _ => 18 };
            var graduation = new DateOnly(birth.Year + age + (birth.Month >= 9 ? 1 : 0), 7, 1);
            if (graduation <= latest || education is "41" or "61") return Min(graduation, latest);
            education = education switch { "14" => "21", "21" => "31", _ => "41" };
        }
    }

    void EducationHistory(Person p, DateOnly graduation)
    {
        if (p.EducationCode == "14")
        {
            var bachelor = graduation.AddYears(-3);
            Add(p, HistoryField.Education, "21", bachelor, graduation);
            if (p.DegreeCode is { } master)
                Add(p, HistoryField.Degree, (int.Parse(master, CultureInfo.InvariantCulture) + 100).ToString(CultureInfo.InvariantCulture), bachelor, graduation);
        }
        Add(p, HistoryField.Education, p.EducationCode!, graduation, null);
        if (p.DegreeCode is { } degree) Add(p, HistoryField.Degree, degree, graduation, null);
    }

    void Add(Person p, HistoryField field, string value, DateOnly from, DateOnly? to) =>
        p.History.Add(new PersonHistory { PersonId = p.Id, Field = field, Value = value, From = from, To = to, RecordedAtUtc = recordedAtUtc, RecordedBy = DemoSeeder.RecordedBy });

    static string RankFor(Random r, DateOnly workStart)
    {
        var years = (Today.DayNumber - workStart.DayNumber) / 365.25;
        var rank = RankSteps[0].Rank;
        foreach (var (name, threshold) in RankSteps)
        {
            if (years >= threshold) rank = name;
        }
        // Not everyone reaches the top step on time.
        return rank == "一级主任科员" && r.Chance(0.5) ? "二级主任科员" : rank;
    }

    static string PostFor(Random r, Unit unit, double years)
    {
        var kind = unit.Name switch
        {
            var n when n.EndsWith("组织部", StringComparison.Ordinal) => "org",
            var n when n.EndsWith("公安局", StringComparison.Ordinal) => "police",
            var n when n.EndsWith("法院", StringComparison.Ordinal) => "court",
            _ => "office",
        };
        string[] junior = kind switch { "police" => ["民警"], "court" => ["书记员", "法官助理"], "org" => ["科员", "干事"], _ => ["科员", "科员", "干事"] };
        string[] deputy = kind switch
        {
            "police" => ["派出所副所长", "治安大队副大队长"],
            "court" => ["法官助理", "执行局副局长"],
            "org" => ["组织科副科长", "干部科副科长"],
            _ => ["办公室副主任", "综合科副科长", "业务科副科长"],
        };
        string[] head = kind switch
        {
            "police" => ["派出所所长", "治安大队大队长"],
            "court" => ["审判员", "庭长"],
            "org" => ["组织科科长", "干部科科长"],
            _ => ["办公室主任", "综合科科长", "业务科科长"],
        };
        if (years < 8) return r.Pick(junior);
        if (years < 14) return r.Chance(0.55) ? r.Pick(junior) : r.Pick(deputy);
        return r.PickWeighted([(r.Pick(junior), 0.3), (r.Pick(deputy), 0.25), (r.Pick(head), 0.45)]);
    }

    /// <summary>The cadre's line: mostly the one of the unit's sector (S-SEL-5).</summary>
    static CadreLine LineFor(Random r, string sector)
    {
        CadreLine[] lines = [CadreLine.Party, CadreLine.Economic, CadreLine.Legal, CadreLine.Agriculture, CadreLine.Technology];
        if (r.Chance(0.18)) return r.Pick(lines);
        return sector switch
        {
            "党群" => CadreLine.Party,
            "经济" => CadreLine.Economic,
            "政法" => CadreLine.Legal,
            "农牧" => CadreLine.Agriculture,
            "科技" => CadreLine.Technology,
            "教育" => r.Chance(0.5) ? CadreLine.Party : CadreLine.Other,
            "卫健" => r.Chance(0.5) ? CadreLine.Technology : CadreLine.Other,
            _ => CadreLine.Other,
        };
    }

    /// <summary>GB/T 6864 degree for a bachelor's (4xx) or master's (3xx) graduate, in a field that fits the line.</summary>
    static string? DegreeFor(string education, CadreLine line, string sector, Random r)
    {
        if (education is not ("21" or "14")) return null;
        string[] bachelor = line switch
        {
            CadreLine.Party => ["403", "405", "412"],
            CadreLine.Economic => ["402", "412"],
            CadreLine.Legal => ["403"],
            CadreLine.Agriculture => ["409", "409", "407"],
            CadreLine.Technology => ["408", "407"],
            _ => sector switch { "教育" => ["404"], "卫健" => ["410"], "民政" => ["403", "412", "405", "402"], _ => ["405", "412"] },
        };
        var code = r.Pick(bachelor);
        return education == "14" ? (int.Parse(code, CultureInfo.InvariantCulture) - 100).ToString(CultureInfo.InvariantCulture) : code;
    }

    /// <summary>A valid, unused GB 11643 number: region, birth date, sequence (odd for men, even for women), check character.</summary>
    IdNumber NewIdNumber(Random r, string region, DateOnly birth, bool male)
    {
        while (true)
        {
            var sequence = r.Next(0, 500) * 2 + (male ? 1 : 0);
            var first17 = string.Create(CultureInfo.InvariantCulture, $"{region}{birth:yyyyMMdd}{sequence:000}");
            var value = first17 + IdNumber.ComputeCheckCharacter(first17);
            if (!idNumbers.Add(value)) continue;
            return IdNumber.TryParse(value, Today, out var id, out var error) ? id.Value : throw new InvalidOperationException(error);
        }
    }

    string NewPhone(Random r)
    {
        while (true)
        {
            var phone = r.Pick(PhonePrefixes) + r.Next(0, 100_000_000).ToString("00000000", CultureInfo.InvariantCulture);
            if (phones.Add(phone)) return phone;
        }
    }

    static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
