using Grassroots.Common;
using Grassroots.Matching;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Selection;

namespace Grassroots.Dispatch;

/// <summary>A cadre as the planner sees them: who, from where, and what they may do.</summary>
public sealed record PlanCadre(Person Person, bool FirstSecretaryEligible, bool Speaker, string AvoidKey, double Latitude, double Longitude);

/// <summary>A village's demand as the planner sees it.</summary>
public sealed record PlanVillage(Village Village, int Members, bool NeedsSpeaker, WorkLine Line, string AvoidKey);

/// <summary>
/// A round's dispatch problem in the planner's terms (S-SEL-7..10): the villages with their demand, the approved
/// candidates with first-secretary eligibility, language and avoidance key, and the cost rates. Builds the
/// <see cref="DispatchInstance"/> the exact planner solves and maps its answer back to people and villages.
/// </summary>
/// <remarks>
/// Avoidance (回避): at county level a cadre is not stationed in their home county (the unit's county when the home
/// county is not recorded); at township level not in the township of their own unit (a township unit; a county or
/// prefecture unit has no township to avoid); at none, anywhere. A unit's position is the seat of its county (a
/// prefecture unit: the prefecture's seat).
/// </remarks>
public sealed class PlanProblem
{
    /// <summary>The local language whose speakers fill a team's speaker place, by province (first two digits).</summary>
    static readonly Dictionary<string, string> LocalLanguages = new(StringComparer.Ordinal)
    {
        ["54"] = "藏语", ["63"] = "藏语", ["65"] = "维吾尔语", ["15"] = "蒙古语", ["45"] = "壮语", ["52"] = "苗语",
    };

    /// <summary>The county whose seat hosts a prefecture's government, where the catalogue's seats do not say.</summary>
    static readonly Dictionary<string, string> PrefectureSeats = new(StringComparer.Ordinal) { ["542500"] = "542523" };

    public PlanProblem(SelectionRound round, IReadOnlyList<PlanVillage> villages, IReadOnlyList<PlanCadre> cadres)
    {
        Round = round;
        Villages = villages;
        Cadres = cadres;
        // One planner unit per (position, avoidance key): cadres of one unit and home county are interchangeable.
        var units = new List<DispatchUnit>();
        var unitIds = new Dictionary<(double, double, string), string>();
        var dispatchCadres = new List<DispatchCadre>(cadres.Count);
        foreach (var c in cadres)
        {
            var key = (c.Latitude, c.Longitude, c.AvoidKey);
            if (!unitIds.TryGetValue(key, out var unitId))
            {
                unitId = units.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                unitIds[key] = unitId;
                units.Add(new DispatchUnit(unitId, "R", c.AvoidKey, c.Latitude, c.Longitude));
            }
            dispatchCadres.Add(new DispatchCadre(c.Person.Id.ToString("N"), unitId, LineOf(c.Person.Line), c.FirstSecretaryEligible, c.Speaker));
        }
        var dispatchVillages = villages
            .Select(v => new DispatchVillage(v.Village.Id.ToString("N"), "R", v.AvoidKey, v.Line, v.Village.Latitude, v.Village.Longitude, v.Members, v.NeedsSpeaker))
            .ToList();
        Instance = new DispatchInstance(round.MismatchCost, round.PerKmCost, dispatchVillages, units, dispatchCadres);
        cadreIndex = cadres.Select((c, i) => (c.Person.Id, i)).ToDictionary(x => x.Id, x => x.i);
        villageIndex = villages.Select((v, i) => (v.Village.Id, i)).ToDictionary(x => x.Id, x => x.i);
    }

    readonly Dictionary<Guid, int> cadreIndex;
    readonly Dictionary<Guid, int> villageIndex;

    public SelectionRound Round { get; }
    public IReadOnlyList<PlanVillage> Villages { get; }
    public IReadOnlyList<PlanCadre> Cadres { get; }
    public DispatchInstance Instance { get; }

    public int? CadreIndex(Guid personId) => cadreIndex.TryGetValue(personId, out var i) ? i : null;
    public int? VillageIndex(Guid villageId) => villageIndex.TryGetValue(villageId, out var i) ? i : null;

    /// <summary>The local language of the round's region, or null where none is required.</summary>
    public static string? LocalLanguage(RegionCode region) => LocalLanguages.GetValueOrDefault(region.Value[..2]);

    /// <summary>Builds the problem: demand rows with their villages, approved candidates with their people and units.</summary>
    public static PlanProblem Create(SelectionRound round, IReadOnlyList<VillageDemand> demand, IReadOnlyList<Person> candidates, RegionCatalog catalog)
    {
        var policy = EligibilityPolicy.Parse(round.EligibilityPolicy);
        var language = round.SpeakerRequired ? LocalLanguage(round.RegionCode) : null;
        var villages = demand
            .OrderBy(d => d.Village!.Code.Value, StringComparer.Ordinal)
            .Select(d => new PlanVillage(d.Village!, d.Members, language is not null && d.NeedsSpeaker, LineOf(d.FitTag), VillageAvoidKey(round.Avoidance, d.Village!)))
            .ToList();
        var cadres = candidates
            .OrderBy(p => p.Id)
            .Select(p =>
            {
                var report = EligibilityEngine.Evaluate(p, round.ReferenceDate, policy);
                var (lat, lon) = UnitPosition(p, catalog);
                var speaker = language is not null && p.Languages.Split('、', '，', ',', ' ').Any(l => l.Trim() == language);
                return new PlanCadre(p, report.FirstSecretaryOutcome == RuleOutcome.Pass, speaker, CadreAvoidKey(round.Avoidance, p), lat, lon);
            })
            .ToList();
        return new PlanProblem(round, villages, cadres);
    }

    static string VillageAvoidKey(AvoidanceLevel level, Village v) => level switch
    {
        AvoidanceLevel.County => v.Code.Value[..6],
        AvoidanceLevel.Township => v.TownshipCode.Value,
        _ => "village:" + v.Code.Value,
    };

    static string CadreAvoidKey(AvoidanceLevel level, Person p) => level switch
    {
        AvoidanceLevel.County => p.HomeCountyCode?.Value ?? (p.Unit?.RegionCode ?? p.RegionCode).Value[..6],
        AvoidanceLevel.Township => (p.Unit?.RegionCode ?? p.RegionCode).Value,
        _ => "-",
    };

    /// <summary>The seat of the cadre's unit's county (or of the prefecture), from the embedded catalogue.</summary>
    static (double Lat, double Lon) UnitPosition(Person p, RegionCatalog catalog)
    {
        var code = (p.Unit?.RegionCode ?? p.RegionCode).Value;
        var county = code.Length >= 6 ? code[..6] : code;
        var seats = SeatsByCode.Value;
        if (seats.TryGetValue(county, out var seat)) return seat;
        if (PrefectureSeats.TryGetValue(county, out var seatCounty) && seats.TryGetValue(seatCounty, out seat)) return seat;
        // A prefecture without a named seat: the middle of its counties' seats.
        var inPrefecture = seats.Where(s => s.Key[..4] == county[..4]).Select(s => s.Value).ToList();
        if (inPrefecture.Count > 0) return (inPrefecture.Average(s => s.Lat), inPrefecture.Average(s => s.Lon));
        var region = catalog.Find(county);
        throw new DomainRuleException($"无法确定{p.Name}所在单位（{region?.Name ?? county}）的位置：区划没有县城坐标。");
    }

    static readonly Lazy<Dictionary<string, (double Lat, double Lon)>> SeatsByCode =
        new(() => RegionCatalog.CountySeats().ToDictionary(s => s.Code, s => (s.Lat, s.Lon), StringComparer.Ordinal));

    /// <summary>S-SEL-7 "点穴式入驻": the line that fits each village tag.</summary>
    public static WorkLine LineOf(VillageTags tag) => tag switch
    {
        VillageTags.Weak => WorkLine.Party,
        VillageTags.Poor => WorkLine.Economic,
        VillageTags.Complex => WorkLine.Legal,
        VillageTags.Industry => WorkLine.Agri,
        VillageTags.Specialised => WorkLine.Tech,
        _ => WorkLine.Other,
    };

    public static WorkLine LineOf(CadreLine line) => line switch
    {
        CadreLine.Party => WorkLine.Party,
        CadreLine.Economic => WorkLine.Economic,
        CadreLine.Legal => WorkLine.Legal,
        CadreLine.Agriculture => WorkLine.Agri,
        CadreLine.Technology => WorkLine.Tech,
        _ => WorkLine.Other,
    };

    /// <summary>Whether a cadre of this line fits a village with this primary tag.</summary>
    public static bool Fits(CadreLine line, VillageTags tag) => tag != VillageTags.None && LineOf(line) == LineOf(tag);
}
