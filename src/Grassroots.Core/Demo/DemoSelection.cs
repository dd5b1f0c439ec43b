using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Selection;

namespace Grassroots.Demo;

/// <summary>
/// The demo's selection rounds: the completed 2026 round (demand for all 145 village-level units, 471 members; the
/// 616 stationed cadres as approved candidates with 一好双强 attestations, ready to plan and publish), and the open
/// 2027 round with a few pending candidates from the reserve — one who passes and is attested, ready to approve; one
/// whose party joining date is missing (unknown); one on contract staff (fails) — so review has something to show.
/// </summary>
internal static class DemoSelection
{
    public const string CompletedRoundName = "2026年度驻村工作队选派";
    public const string OpenRoundName = "2027年度驻村工作队选派（征集中）";

    /// <summary>Who, in the demo, recorded what: the prefecture's or the county's organisation department.</summary>
    static string Office(Person p) => p.RegionCode.CountyPrefix switch
    {
        "542521" => "pulan.county",
        "542522" => "zanda.county",
        _ => "ali.prefecture",
    };

    static DateTime China(int year, int month, int day, int hour, int minute) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromHours(8)).UtcDateTime;

    public static (SelectionRound Completed, SelectionRound Open, List<Candidate> Candidates) Build(
        IReadOnlyList<Village> villages, IReadOnlyList<Unit> units, IReadOnlyList<Person> stationed, IReadOnlyList<Person> reserve)
    {
        var r = DemoRandom.Stream(6);
        var ali = RegionCatalog.Embedded.Find(DemoRegistry.AliCode)!;
        var unitsById = units.ToDictionary(u => u.Id);

        var completed = new SelectionRound
        {
            Name = CompletedRoundName,
            RegionCode = ali.Code,
            RegionPath = ali.Path,
            ReferenceDate = DemoSeeder.ReferenceDate,
            TermStart = DemoSeeder.ReferenceDate,
            TermMonths = 24,
            Status = RoundStatus.Closed,
            EligibilityPolicy = EligibilityPolicy.Default.ToJson(),
            CreatedAtUtc = China(2025, 10, 20, 9, 30),
            CreatedBy = "ali.prefecture",
        };
        AddDemand(completed, villages, RoundService.ReferenceMembers);
        foreach (var g in stationed.GroupBy(p => p.UnitId!.Value).OrderBy(g => unitsById[g.Key].RegionPath, StringComparer.Ordinal).ThenBy(g => unitsById[g.Key].Name, StringComparer.Ordinal))
            completed.Quotas.Add(new RoundQuota { RoundId = completed.Id, UnitId = g.Key, Quota = g.Count() });

        var candidates = new List<Candidate>(stationed.Count + 8);
        foreach (var p in stationed)
        {
            var self = r.Chance(0.3);
            var unitName = unitsById[p.UnitId!.Value].Name;
            var nominated = China(2025, 11, 3, 9, 0).AddDays(r.Next(0, 28)).AddMinutes(r.Next(0, 480));
            var attested = nominated.AddDays(r.Next(3, 12)).AddMinutes(r.Next(0, 240));
            var reviewed = attested.AddHours(r.Next(2, 72));
            var c = new Candidate
            {
                RoundId = completed.Id,
                PersonId = p.Id,
                Entry = self ? CandidateEntry.SelfNomination : CandidateEntry.UnitRecommendation,
                Statement = self ? SelfStatement(r, p) : Recommendation(r, p, unitName),
                NominatedBy = Office(p),
                NominatedAtUtc = nominated,
                Status = CandidateStatus.Approved,
                ReviewedBy = "ali.prefecture",
                ReviewedAtUtc = reviewed,
                ReviewNote = "符合“1+2+X”资格条件，“一好双强”鉴定合格，同意列为选派人选。",
                RegionCode = p.RegionCode,
                RegionPath = p.RegionPath,
            };
            c.Attestations.Add(new Attestation
            {
                CandidateId = c.Id,
                GoodPolitics = true,
                StrongAbility = true,
                StrongDuty = true,
                Notes = r.Pick(AttestationNotes),
                Reviewer = Office(p),
                AtUtc = attested,
            });
            candidates.Add(c);
        }

        var open = new SelectionRound
        {
            Name = OpenRoundName,
            RegionCode = ali.Code,
            RegionPath = ali.Path,
            ReferenceDate = new DateOnly(2027, 1, 1),
            TermStart = new DateOnly(2027, 1, 1),
            TermMonths = 24,
            Status = RoundStatus.Open,
            // A round may add X rules: this one adds an age limit.
            EligibilityPolicy = EligibilityPolicy.Default.With(new EligibilityRule { Kind = RuleKinds.AgeLimit, MaxAge = 55 }).ToJson(),
            CreatedAtUtc = China(2026, 11, 2, 10, 0),
            CreatedBy = "ali.prefecture",
        };
        AddDemand(open, villages, RoundService.ReferenceMembers);

        // Reserve cadres by their place in DemoPeople.ReserveMix: three who joined the party in 2025 (Pulan, Zanda,
        // the prefecture), the one without a joining date (Pulan), contract staff (Pulan), a probationer (Zanda).
        (int Index, bool Self, bool Attest)[] pending = [(0, false, true), (1, true, false), (2, false, false), (8, false, false), (9, true, false), (13, false, false)];
        var minute = 0;
        foreach (var (index, self, attest) in pending)
        {
            var p = reserve[index];
            var unitName = unitsById[p.UnitId!.Value].Name;
            var nominated = China(2026, 11, 9, 9, 15).AddDays(index % 9).AddMinutes(minute += 37);
            var c = new Candidate
            {
                RoundId = open.Id,
                PersonId = p.Id,
                Entry = self ? CandidateEntry.SelfNomination : CandidateEntry.UnitRecommendation,
                Statement = self ? SelfStatement(r, p) : Recommendation(r, p, unitName),
                NominatedBy = Office(p),
                NominatedAtUtc = nominated,
                Status = CandidateStatus.Pending,
                RegionCode = p.RegionCode,
                RegionPath = p.RegionPath,
            };
            if (attest)
            {
                c.Attestations.Add(new Attestation
                {
                    CandidateId = c.Id,
                    GoodPolitics = true,
                    StrongAbility = true,
                    StrongDuty = true,
                    Notes = AttestationNotes[0],
                    Reviewer = Office(p),
                    AtUtc = nominated.AddDays(2),
                });
            }
            candidates.Add(c);
        }
        return (completed, open, candidates);
    }

    static void AddDemand(SelectionRound round, IReadOnlyList<Village> villages, int members)
    {
        var share = RoundService.ShareMembers(villages, members);
        foreach (var v in villages)
            round.Demand.Add(new VillageDemand { RoundId = round.Id, VillageId = v.Id, Members = share[v.Id], NeedsSpeaker = v.NeedsLocalLanguage, FitTag = v.PrimaryTag });
    }

    static readonly string[] AttestationNotes =
    [
        "经考察谈话和所在单位鉴定：政治立场坚定，业务能力突出，工作认真负责，群众基础好。",
        "经单位党组织鉴定和个别谈话：理想信念坚定，履职能力强，能吃苦耐劳，责任心强。",
        "经考察：政治素质过硬，熟悉基层工作，敢于担当，近三年年度考核均为称职以上。",
        "所在单位推荐意见和民主测评良好：讲政治、守纪律，工作能力强，作风扎实。",
    ];

    static string Recommendation(Random r, Person p, string unitName) =>
        $"{unitName}党组（党委）研究推荐：{p.Name}同志政治坚定，熟悉{PersonNames.Line(p.Line)}工作，" + r.Pick(RecommendationTails);

    static readonly string[] RecommendationTails =
    [
        "能够胜任驻村工作。",
        "有基层工作经历，群众工作能力较强。",
        "作风扎实，适合到村开展工作。",
        "年度考核均为称职以上，同意推荐。",
    ];

    static string SelfStatement(Random r, Person p) => r.Pick(SelfStatements) + (p.Languages.Contains("藏语", StringComparison.Ordinal) ? "本人会讲藏语，便于与群众沟通。" : "");

    static readonly string[] SelfStatements =
    [
        "本人自愿报名参加驻村工作，愿意到最需要的地方接受锻炼、服务群众。",
        "本人身体健康，家庭支持，自愿申请驻村，为乡村振兴尽一份力。",
        "本人有基层工作经历，自愿报名驻村，服从组织安排。",
    ];
}
