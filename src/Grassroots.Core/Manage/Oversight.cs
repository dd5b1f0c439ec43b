using Grassroots.Dispatch;
using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Manage;

/// <summary>The four ways of a random inspection (查听访谈, S-MNG-5).</summary>
[Flags]
public enum InspectionMethods
{
    None = 0,
    /// <summary>查: checking the records (sign-in sheets, work logs, ledgers).</summary>
    Check = 1,
    /// <summary>听: listening to the team's report.</summary>
    Listen = 2,
    /// <summary>访: visiting villagers and village cadres.</summary>
    Visit = 4,
    /// <summary>谈: talking with each cadre.</summary>
    Talk = 8,
}

public enum InspectionStatus
{
    /// <summary>待检查: drawn or planned, not yet recorded.</summary>
    Planned = 1,
    /// <summary>已检查.</summary>
    Done = 2,
}

/// <summary>How serious a finding is (S-MNG-5).</summary>
public enum FindingWeight
{
    /// <summary>苗头性: an early sign, caught before it becomes a pattern.</summary>
    EarlySign = 1,
    /// <summary>倾向性: a trend that has begun to repeat.</summary>
    Trend = 2,
}

/// <summary>The follow-up to a finding (告知、提醒、纠偏), in rising order of firmness.</summary>
public enum FollowUpKind
{
    /// <summary>告知: the cadre is told what was found.</summary>
    Inform = 1,
    /// <summary>提醒: a reminder to put it right by the deadline.</summary>
    Remind = 2,
    /// <summary>纠偏: a correction the cadre must carry out and report.</summary>
    Correct = 3,
}

public enum FollowUpStatus
{
    /// <summary>办理中.</summary>
    Open = 1,
    /// <summary>已办结.</summary>
    Closed = 2,
}

/// <summary>How an office reached a team or a cadre in a dispatch check (实时调度).</summary>
public enum DispatchMethod
{
    /// <summary>电话.</summary>
    Phone = 1,
    /// <summary>视频.</summary>
    Video = 2,
}

public static class OversightNames
{
    public static readonly IReadOnlyList<(InspectionMethods Method, string Key, string Name, string Help)> Methods =
    [
        (InspectionMethods.Check, "check", "查", "查阅签到记录、工作日志、台账等资料。"),
        (InspectionMethods.Listen, "listen", "听", "听取驻村工作队汇报。"),
        (InspectionMethods.Visit, "visit", "访", "走访群众和村干部，了解驻村干部在岗和工作情况。"),
        (InspectionMethods.Talk, "talk", "谈", "与驻村干部逐一谈话。"),
    ];

    public static string DescribeMethods(InspectionMethods m) =>
        m == InspectionMethods.None ? "—" : string.Concat(Methods.Where(x => m.HasFlag(x.Method)).Select(x => x.Name));

    public static string[] MethodKeys(InspectionMethods m) => [.. Methods.Where(x => m.HasFlag(x.Method)).Select(x => x.Key)];

    public static string Status(InspectionStatus s) => s switch
    {
        InspectionStatus.Planned => "待检查",
        InspectionStatus.Done => "已检查",
        _ => s.ToString(),
    };

    public static string Weight(FindingWeight w) => w switch
    {
        FindingWeight.EarlySign => "苗头性",
        FindingWeight.Trend => "倾向性",
        _ => w.ToString(),
    };

    public static string FollowUp(FollowUpKind k) => k switch
    {
        FollowUpKind.Inform => "告知",
        FollowUpKind.Remind => "提醒",
        FollowUpKind.Correct => "纠偏",
        _ => k.ToString(),
    };

    public static string FollowUpState(FollowUpStatus s) => s switch
    {
        FollowUpStatus.Open => "办理中",
        FollowUpStatus.Closed => "已办结",
        _ => s.ToString(),
    };

    public static string Method(DispatchMethod m) => m switch
    {
        DispatchMethod.Phone => "电话",
        DispatchMethod.Video => "视频",
        _ => m.ToString(),
    };
}

/// <summary>
/// A random draw of inspection targets and inspectors (S-MNG-5), kept so it can be reproduced exactly: the seed, the
/// candidate teams with their risk weights and the inspector pool as they were (<see cref="Inputs"/>, JSON), and what
/// was drawn (<see cref="Picks"/>, JSON). <see cref="InspectionDrawing.Draw"/> on the same inputs and seed gives the same
/// picks. It belongs to the node it was drawn in (a county), so a sibling county never sees it.
/// </summary>
public sealed class InspectionDraw : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required RegionCode RegionCode { get; init; }
    public required string RegionPath { get; init; }
    public int Seed { get; init; }
    public int Count { get; init; }
    public int InspectorsPerTeam { get; init; }
    /// <summary>The on-post window the weights were computed over (China dates, both included).</summary>
    public DateOnly WindowFrom { get; init; }
    public DateOnly WindowTo { get; init; }
    /// <summary>The day the drawn teams are to be inspected.</summary>
    public DateOnly PlannedDate { get; init; }
    /// <summary><see cref="DrawInputs"/> as JSON.</summary>
    public required string Inputs { get; init; }
    /// <summary><see cref="DrawResult"/> as JSON.</summary>
    public required string Picks { get; init; }
    public DateTime DrawnAtUtc { get; init; }
    public string DrawnBy { get; init; } = "";
}

/// <summary>
/// One inspection of a team (随机检查 by 查听访谈, S-MNG-5): planned (from a draw or by hand), then recorded with the
/// date, methods, inspectors, whether each cadre was on post (<see cref="Cadres"/>), the findings and their follow-ups.
/// It belongs to the village's node.
/// </summary>
public sealed class Inspection : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid? DrawId { get; init; }
    public Guid VillageId { get; init; }
    public Village? Village { get; init; }
    public required string RegionPath { get; init; }
    public DateOnly PlannedDate { get; set; }
    public InspectionStatus Status { get; set; } = InspectionStatus.Planned;
    /// <summary>The day of the inspection, once recorded.</summary>
    public DateOnly? Date { get; set; }
    public InspectionMethods Methods { get; set; }
    /// <summary>The inspectors' names, separated by 、.</summary>
    public string Inspectors { get; set; } = "";
    public string? Summary { get; set; }
    /// <summary>The team's on-post rate and risk weight when it was drawn (null when planned by hand).</summary>
    public double? OnPostRate { get; init; }
    public double? RiskWeight { get; init; }
    public DateTime CreatedAtUtc { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTime? RecordedAtUtc { get; set; }
    public string? RecordedBy { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
    public List<InspectedCadre> Cadres { get; init; } = [];
    public List<InspectionFinding> Findings { get; init; } = [];
}

/// <summary>Whether one cadre of the team was on post when the team was inspected.</summary>
public sealed class InspectedCadre
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid InspectionId { get; init; }
    public Guid PersonId { get; init; }
    public Person? Person { get; init; }
    public PostingRole Role { get; init; }
    public bool OnPost { get; init; }
    /// <summary>Why the cadre was away (on leave, at a county meeting, …).</summary>
    public string? Note { get; init; }
}

/// <summary>A finding of an inspection with its weight (苗头性 / 倾向性), about the team or one cadre.</summary>
public sealed class InspectionFinding
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid InspectionId { get; init; }
    public FindingWeight Weight { get; init; }
    public required string Text { get; init; }
    public Guid? PersonId { get; init; }
    public DateTime CreatedAtUtc { get; init; }
    public string CreatedBy { get; init; } = "";
}

/// <summary>
/// The follow-up to a finding (告知 / 提醒 / 纠偏) with a deadline and a closing. Open past its deadline it is overdue.
/// It belongs to the village's node, so the overdue list is scoped like everything else.
/// </summary>
public sealed class FollowUp : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid InspectionId { get; init; }
    public Guid? FindingId { get; init; }
    public Guid VillageId { get; init; }
    public Village? Village { get; init; }
    public required string RegionPath { get; init; }
    public FollowUpKind Kind { get; init; }
    public required string Text { get; init; }
    public Guid? PersonId { get; init; }
    public DateOnly IssuedOn { get; init; }
    public DateOnly Deadline { get; init; }
    public FollowUpStatus Status { get; set; } = FollowUpStatus.Open;
    public DateTime IssuedAtUtc { get; init; }
    public string IssuedBy { get; init; } = "";
    public DateOnly? ClosedOn { get; set; }
    public DateTime? ClosedAtUtc { get; set; }
    public string? ClosedBy { get; set; }
    public string? ClosingNote { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();

    /// <summary>Open after its deadline day on <paramref name="today"/>.</summary>
    public bool IsOverdue(DateOnly today) => Status == FollowUpStatus.Open && Deadline < today;
}

/// <summary>
/// A dispatch check (实时调度, S-MNG-6): an office called a team or one cadre and recorded whether they answered and,
/// if so, whether they were on post. It belongs to the village's node.
/// </summary>
public sealed class DispatchCheck : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid VillageId { get; init; }
    public Village? Village { get; init; }
    public required string RegionPath { get; init; }
    /// <summary>The cadre called; null when the office called the team (whoever answered).</summary>
    public Guid? PersonId { get; init; }
    public DateTime AtUtc { get; init; }
    public DispatchMethod Method { get; init; }
    public bool Answered { get; init; }
    /// <summary>Whether the cadre (or the team) was on post; null when nobody answered.</summary>
    public bool? OnPost { get; init; }
    public string? Note { get; init; }
    /// <summary>The office that made the call (the account's display name).</summary>
    public string By { get; init; } = "";
    public DateTime RecordedAtUtc { get; init; }
}

/// <summary>A field visit (实地走访, S-MNG-6) of an office to a team: when, who went, what they saw.</summary>
public sealed class FieldVisit : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid VillageId { get; init; }
    public Village? Village { get; init; }
    public required string RegionPath { get; init; }
    public DateOnly Date { get; init; }
    /// <summary>Who went, separated by 、.</summary>
    public required string Visitors { get; init; }
    /// <summary>How many of the team's cadres were met on post.</summary>
    public int CadresMet { get; init; }
    public required string Summary { get; init; }
    public string By { get; init; } = "";
    public DateTime RecordedAtUtc { get; init; }
}

/// <summary>
/// A roll-call (点名, S-MNG-6) pushed to the cadres of a team: each answers with a check-in whose device time falls in
/// [<see cref="StartedAtUtc"/>, <see cref="DeadlineUtc"/>] (both included). The cadres are fixed when it is made
/// (<see cref="Targets"/>); answers are read from the check-ins, so the check-in itself needs nothing extra.
/// </summary>
public sealed class RollCall : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid VillageId { get; init; }
    public Village? Village { get; init; }
    public required string RegionPath { get; init; }
    public DateTime StartedAtUtc { get; init; }
    public int LimitMinutes { get; init; }
    public DateTime DeadlineUtc { get; init; }
    public string? Note { get; init; }
    public string By { get; init; } = "";
    public List<RollCallTarget> Targets { get; init; } = [];
}

public sealed class RollCallTarget
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid RollCallId { get; init; }
    public Guid PersonId { get; init; }
    public Person? Person { get; init; }
    public PostingRole Role { get; init; }
}
