using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Selection;

/// <summary>Life cycle of a selection round (选派批次, S-SEL-1).</summary>
public enum RoundStatus
{
    /// <summary>草稿: being prepared; not yet open for nominations.</summary>
    Draft = 1,
    /// <summary>征集中: nominations and review.</summary>
    Open = 2,
    /// <summary>已截止: candidates frozen; the dispatch plan is being made.</summary>
    Closed = 3,
    /// <summary>已发布: the dispatch plan is published (set by publishing).</summary>
    Published = 4,
}

/// <summary>Avoidance (回避, S-SEL-9): a cadre is not stationed in their home county (or township).</summary>
public enum AvoidanceLevel
{
    None = 0,
    Township = 1,
    County = 2,
}

/// <summary>
/// A selection round (选派批次, S-SEL-1): the organising node (a prefecture or province), the reference date at which
/// eligibility is reckoned, the term, the demand of each village, the quota of each dispatching unit and the
/// eligibility policy and planning weights in force.
/// </summary>
public sealed class SelectionRound : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    /// <summary>The day eligibility (1+2+X) is reckoned at.</summary>
    public DateOnly ReferenceDate { get; set; }
    public DateOnly TermStart { get; set; }
    public int TermMonths { get; set; } = 24;
    public RoundStatus Status { get; set; } = RoundStatus.Draft;
    /// <summary>The organising node (prefecture or province).</summary>
    public required RegionCode RegionCode { get; set; }
    public required string RegionPath { get; set; }
    public AvoidanceLevel Avoidance { get; set; } = AvoidanceLevel.County;
    /// <summary>Cost of placing a cadre whose line does not fit the village's primary tag (S-SEL-7).</summary>
    public int MismatchCost { get; set; } = 1000;
    /// <summary>Cost per kilometre between the cadre's unit and the village.</summary>
    public int PerKmCost { get; set; } = 10;
    /// <summary>Villages that need the local language get a speaker slot on their team.</summary>
    public bool SpeakerRequired { get; set; } = true;
    /// <summary>The eligibility rules in force, as JSON (see <see cref="EligibilityPolicy"/>); empty means the 1+2+X defaults.</summary>
    public string EligibilityPolicy { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    public string CreatedBy { get; set; } = "";
    /// <summary>Optimistic concurrency token, renewed on each change.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
    public List<RoundQuota> Quotas { get; init; } = [];
    public List<VillageDemand> Demand { get; init; } = [];

    /// <summary>The last day of the term.</summary>
    public DateOnly TermEnd => TermStart.AddMonths(TermMonths).AddDays(-1);

    public static string StatusName(RoundStatus s) => s switch
    {
        RoundStatus.Draft => "草稿",
        RoundStatus.Open => "征集中",
        RoundStatus.Closed => "已截止",
        RoundStatus.Published => "已发布",
        _ => s.ToString(),
    };

    public static string AvoidanceName(AvoidanceLevel a) => a switch
    {
        AvoidanceLevel.None => "不回避",
        AvoidanceLevel.Township => "回避本乡镇",
        AvoidanceLevel.County => "回避本县",
        _ => a.ToString(),
    };
}

/// <summary>How many cadres a dispatching unit is asked to send in a round.</summary>
public sealed class RoundQuota
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid RoundId { get; init; }
    public Guid UnitId { get; init; }
    public Unit? Unit { get; set; }
    public int Quota { get; set; }
}

/// <summary>
/// A village's demand in a round (S-SEL-8): one first secretary plus <see cref="Members"/> team members, whether
/// the team needs a speaker of the local language, and the line that fits the village best.
/// </summary>
public sealed class VillageDemand
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid RoundId { get; init; }
    public Guid VillageId { get; init; }
    public Village? Village { get; set; }
    /// <summary>Team members besides the first secretary (at least 1).</summary>
    public int Members { get; set; } = 3;
    public bool NeedsSpeaker { get; set; }
    public VillageTags FitTag { get; set; }
}

/// <summary>How a candidate entered the round (S-SEL-2).</summary>
public enum CandidateEntry
{
    /// <summary>个人自荐.</summary>
    SelfNomination = 1,
    /// <summary>单位推荐.</summary>
    UnitRecommendation = 2,
}

public enum CandidateStatus
{
    /// <summary>待审核.</summary>
    Pending = 1,
    /// <summary>已通过.</summary>
    Approved = 2,
    /// <summary>未通过.</summary>
    Rejected = 3,
    /// <summary>已撤回.</summary>
    Withdrawn = 4,
}

/// <summary>
/// A cadre put forward in a round (S-SEL-2): by self-nomination or unit recommendation, who and when, with a
/// statement; reviewed (approved or rejected) with a note. Scoped by the person's node, so a county sees its own.
/// </summary>
public sealed class Candidate : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid RoundId { get; init; }
    public SelectionRound? Round { get; set; }
    public Guid PersonId { get; init; }
    public Person? Person { get; set; }
    public CandidateEntry Entry { get; set; }
    public string Statement { get; set; } = "";
    public string NominatedBy { get; set; } = "";
    public DateTime NominatedAtUtc { get; set; }
    public CandidateStatus Status { get; set; } = CandidateStatus.Pending;
    public string? ReviewedBy { get; set; }
    public DateTime? ReviewedAtUtc { get; set; }
    public string? ReviewNote { get; set; }
    /// <summary>Copied from the person (their unit's node).</summary>
    public required RegionCode RegionCode { get; set; }
    public required string RegionPath { get; set; }
    /// <summary>Optimistic concurrency token, renewed on each change.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
    public List<Attestation> Attestations { get; init; } = [];

    public static string EntryName(CandidateEntry e) => e switch
    {
        CandidateEntry.SelfNomination => "个人自荐",
        CandidateEntry.UnitRecommendation => "单位推荐",
        _ => e.ToString(),
    };

    public static string StatusName(CandidateStatus s) => s switch
    {
        CandidateStatus.Pending => "待审核",
        CandidateStatus.Approved => "已通过",
        CandidateStatus.Rejected => "未通过",
        CandidateStatus.Withdrawn => "已撤回",
        _ => s.ToString(),
    };
}

/// <summary>
/// A reviewer's attestation of the political standard "一好双强" (S-SEL-4): good political quality, strong
/// ability, strong sense of duty, with notes. Recorded, never computed.
/// </summary>
public sealed class Attestation
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid CandidateId { get; init; }
    /// <summary>政治素质好.</summary>
    public bool GoodPolitics { get; set; }
    /// <summary>工作能力强.</summary>
    public bool StrongAbility { get; set; }
    /// <summary>责任意识强.</summary>
    public bool StrongDuty { get; set; }
    public string Notes { get; set; } = "";
    public string Reviewer { get; set; } = "";
    public DateTime AtUtc { get; set; }

    /// <summary>All three attested.</summary>
    public bool AllThree => GoodPolitics && StrongAbility && StrongDuty;
}
