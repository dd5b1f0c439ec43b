using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Selection;

namespace Grassroots.Dispatch;

/// <summary>Life cycle of a dispatch plan (调配方案).</summary>
public enum PlanStatus
{
    /// <summary>排队中: waiting for the planner.</summary>
    Queued = 1,
    /// <summary>计算中.</summary>
    Running = 2,
    /// <summary>已生成: may be edited (locks, moves), re-run, approved.</summary>
    Ready = 3,
    /// <summary>计算失败.</summary>
    Failed = 4,
    /// <summary>已审定: approved by the prefecture; only publishing remains.</summary>
    Approved = 5,
    /// <summary>已发布: postings made.</summary>
    Published = 6,
    /// <summary>已作废: another plan of the round was published, or it was discarded.</summary>
    Discarded = 7,
}

/// <summary>The kind of place a cadre fills in a village's team.</summary>
public enum PlanSlot
{
    /// <summary>第一书记.</summary>
    FirstSecretary = 1,
    /// <summary>工作队员.</summary>
    Member = 2,
    /// <summary>工作队员（当地语言）: the member place that needs a speaker of the local language.</summary>
    Speaker = 3,
}

/// <summary>
/// A dispatch plan of a selection round (S-SEL-10): the planner's proposal of one first secretary and the members for
/// each village, with the locks staff set, the objective figures, and the places left empty with the reason.
/// </summary>
public sealed class TeamPlan : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid RoundId { get; init; }
    public SelectionRound? Round { get; set; }
    /// <summary>方案 1, 2, … within the round.</summary>
    public int Number { get; init; }
    /// <summary>The plan this one was re-run from (its locks were carried over).</summary>
    public Guid? BasedOnId { get; init; }
    public PlanStatus Status { get; set; } = PlanStatus.Queued;
    /// <summary>What the planner is doing, for the progress display.</summary>
    public string Progress { get; set; } = "";
    public int ProgressPercent { get; set; }
    public string? Error { get; set; }
    /// <summary>Locks were changed after the last run: re-run before approving.</summary>
    public bool LocksChanged { get; set; }
    public int Villages { get; set; }
    public int Candidates { get; set; }
    public int Slots { get; set; }
    public int FirstSecretaryFilled { get; set; }
    public int Filled { get; set; }
    public long TotalCost { get; set; }
    public double SolveMilliseconds { get; set; }
    /// <summary>The independent optimality check passed.</summary>
    public bool Certified { get; set; }
    public required RegionCode RegionCode { get; init; }
    public required string RegionPath { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTime CreatedAtUtc { get; init; }
    public DateTime? SolvedAtUtc { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTime? ApprovedAtUtc { get; set; }
    public string? PublishedBy { get; set; }
    public DateTime? PublishedAtUtc { get; set; }
    /// <summary>Optimistic concurrency token, renewed on each change.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
    public List<TeamPlacement> Placements { get; init; } = [];
    public List<PlanLock> Locks { get; init; } = [];
    public List<PlanGap> Gaps { get; init; } = [];

    public static string StatusName(PlanStatus s) => s switch
    {
        PlanStatus.Queued => "排队中",
        PlanStatus.Running => "计算中",
        PlanStatus.Ready => "已生成",
        PlanStatus.Failed => "计算失败",
        PlanStatus.Approved => "已审定",
        PlanStatus.Published => "已发布",
        PlanStatus.Discarded => "已作废",
        _ => s.ToString(),
    };

    public static string SlotName(PlanSlot s) => s switch
    {
        PlanSlot.FirstSecretary => "第一书记",
        PlanSlot.Member => "工作队员",
        PlanSlot.Speaker => "工作队员（当地语言）",
        _ => s.ToString(),
    };
}

/// <summary>One cadre placed in one village's team by a plan, with the cost terms that made the choice.</summary>
public sealed class TeamPlacement : Audit.IComputedRecord
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PlanId { get; init; }
    public Guid PersonId { get; init; }
    public Person? Person { get; set; }
    public Guid VillageId { get; init; }
    public Village? Village { get; set; }
    public PlanSlot Slot { get; init; }
    /// <summary>Held by a lock (or a move) rather than chosen by the planner.</summary>
    public bool Locked { get; init; }
    /// <summary>The cadre's line fits the village's primary tag (点穴式入驻).</summary>
    public bool LineFits { get; init; }
    public double DistanceKm { get; init; }
    /// <summary>Line-fit penalty plus distance term.</summary>
    public long Cost { get; init; }
}

/// <summary>A placement staff fixed before a run: a lock on the planner's choice or a move to another village.</summary>
public sealed class PlanLock
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PlanId { get; init; }
    public Guid PersonId { get; init; }
    public Guid VillageId { get; init; }
    public PlanSlot Slot { get; init; }
    /// <summary>A move (调整) by staff rather than a lock of the planner's own choice.</summary>
    public bool Moved { get; init; }
    public string By { get; init; } = "";
    public DateTime AtUtc { get; init; }
}

/// <summary>A place the plan leaves empty, with the reason in words (S-SEL-10: infeasibility is explained).</summary>
public sealed class PlanGap : Audit.IComputedRecord
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PlanId { get; init; }
    public Guid VillageId { get; init; }
    public Village? Village { get; set; }
    public PlanSlot Slot { get; init; }
    public int Count { get; init; } = 1;
    public required string Reason { get; init; }
}
