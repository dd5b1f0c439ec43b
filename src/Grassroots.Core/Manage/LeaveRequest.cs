using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Manage;

/// <summary>Leave kinds (S-MNG-2).</summary>
public enum LeaveKind
{
    /// <summary>年休假.</summary>
    Annual = 1,
    /// <summary>病假.</summary>
    Sick = 2,
    /// <summary>事假.</summary>
    Personal = 3,
    /// <summary>探亲假.</summary>
    FamilyVisit = 4,
    /// <summary>婚假.</summary>
    Marriage = 5,
    /// <summary>产假、陪产假.</summary>
    Maternity = 6,
    /// <summary>丧假.</summary>
    Bereavement = 7,
    /// <summary>其他.</summary>
    Other = 9,
}

public enum LeaveStatus
{
    /// <summary>待审批.</summary>
    Pending = 1,
    /// <summary>已批准 (and not yet returned).</summary>
    Approved = 2,
    /// <summary>未批准.</summary>
    Rejected = 3,
    /// <summary>已撤回 by the cadre before a decision.</summary>
    Cancelled = 4,
    /// <summary>已销假: the cadre is back.</summary>
    Returned = 5,
}

/// <summary>Who approves a leave request (S-MNG-2, S-MNG-7).</summary>
public enum ApprovalLevel
{
    /// <summary>乡镇: short leave.</summary>
    Township = 1,
    /// <summary>县驻村办: the county village-work office.</summary>
    CountyOffice = 2,
    /// <summary>县委组织部: long leave, and any leave in a key period (S-MNG-4).</summary>
    CountyOrg = 3,
}

public static class LeaveNames
{
    public static string Kind(LeaveKind k) => k switch
    {
        LeaveKind.Annual => "年休假",
        LeaveKind.Sick => "病假",
        LeaveKind.Personal => "事假",
        LeaveKind.FamilyVisit => "探亲假",
        LeaveKind.Marriage => "婚假",
        LeaveKind.Maternity => "产假、陪产假",
        LeaveKind.Bereavement => "丧假",
        LeaveKind.Other => "其他",
        _ => k.ToString(),
    };

    public static string Status(LeaveStatus s) => s switch
    {
        LeaveStatus.Pending => "待审批",
        LeaveStatus.Approved => "已批准",
        LeaveStatus.Rejected => "未批准",
        LeaveStatus.Cancelled => "已撤回",
        LeaveStatus.Returned => "已销假",
        _ => s.ToString(),
    };

    public static string Level(ApprovalLevel l) => l switch
    {
        ApprovalLevel.Township => "乡镇",
        ApprovalLevel.CountyOffice => "县驻村办",
        ApprovalLevel.CountyOrg => "县委组织部",
        _ => l.ToString(),
    };
}

/// <summary>
/// A stationed cadre's leave request (请假) and its return (销假), S-MNG-2. It belongs to the village's node, so the
/// village's township, county and prefecture see it. Who decides is fixed when it is asked for
/// (<see cref="LeavePolicy.Route"/>). A workflow entity: <see cref="Version"/> is renewed on every change, so of two
/// concurrent decisions one wins and the other is a conflict.
/// </summary>
public sealed class LeaveRequest : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PersonId { get; init; }
    public Person? Person { get; init; }
    public Guid PostingId { get; init; }
    public Guid VillageId { get; init; }
    public Village? Village { get; init; }
    public required string RegionPath { get; init; }
    public LeaveKind Kind { get; init; }
    public DateOnly StartDate { get; init; }
    /// <summary>The last day of leave (inclusive).</summary>
    public DateOnly EndDate { get; init; }
    /// <summary>Calendar days, both ends counted.</summary>
    public int Days { get; init; }
    public required string Reason { get; init; }
    public string? Destination { get; init; }
    public ApprovalLevel Level { get; init; }
    /// <summary>The key period the leave falls in, when that is why the county organisation department decides.</summary>
    public string? KeyPeriodName { get; init; }
    public LeaveStatus Status { get; set; } = LeaveStatus.Pending;
    public DateTime RequestedAtUtc { get; init; }
    public DateTime? DecidedAtUtc { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionNote { get; set; }
    /// <summary>The day the cadre was back at the village (销假).</summary>
    public DateOnly? ReturnedOn { get; set; }
    public DateTime? ReturnedAtUtc { get; set; }
    public string? ReturnNote { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();

    /// <summary>The days actually away on leave: approved leave in full; returned leave up to the day before the return
    /// (early return shortens it; a late return does not lengthen it). None for other statuses.</summary>
    public (DateOnly From, DateOnly To)? TakenRange => Taken(Status, StartDate, EndDate, ReturnedOn);

    /// <summary><see cref="TakenRange"/> from the columns it depends on (for queries that read only those).</summary>
    public static (DateOnly From, DateOnly To)? Taken(LeaveStatus status, DateOnly start, DateOnly end, DateOnly? returnedOn) => status switch
    {
        LeaveStatus.Approved => (start, end),
        LeaveStatus.Returned when returnedOn is { } back && back > start => (start, back.AddDays(-1) < end ? back.AddDays(-1) : end),
        _ => null,
    };

    /// <summary>Approved, not returned, and past its last day on <paramref name="today"/>: an overdue return.</summary>
    public bool IsOverdue(DateOnly today) => Status == LeaveStatus.Approved && EndDate < today;
}

/// <summary>
/// A key period (重要时间节点, 重大节假日; S-MNG-4): dates when everyone must be on post. Leave that touches one needs the
/// county organisation department. Set by a county for its county or by the prefecture for all of it.
/// </summary>
public sealed class KeyPeriod : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public string? Note { get; set; }
    /// <summary>The node it applies to (a county or the prefecture).</summary>
    public required RegionCode RegionCode { get; init; }
    public required string RegionPath { get; init; }
    public DateTime CreatedAtUtc { get; init; }
    public string CreatedBy { get; init; } = "";
    public Guid Version { get; set; } = Guid.NewGuid();
}
