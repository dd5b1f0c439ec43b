using Grassroots.Regions;

namespace Grassroots.People;

public enum PersonKind
{
    /// <summary>驻村干部 (and cadres who may be stationed).</summary>
    Cadre = 1,
    /// <summary>社区工作者.</summary>
    CommunityWorker = 2,
}

/// <summary>Staff status (编制情况).</summary>
public enum StaffStatus
{
    /// <summary>在编.</summary>
    Established = 1,
    /// <summary>编外.</summary>
    NotEstablished = 2,
    /// <summary>试用期.</summary>
    Probation = 3,
}

/// <summary>Line (条线, S-SEL-5).</summary>
public enum CadreLine
{
    Party = 1,
    Economic = 2,
    Legal = 3,
    Agriculture = 4,
    Technology = 5,
    Other = 6,
}

/// <summary>Health for duty (身体状况).</summary>
public enum HealthStatus
{
    /// <summary>能正常履职.</summary>
    Fit = 1,
    /// <summary>履职受限.</summary>
    Limited = 2,
    /// <summary>不能正常履职.</summary>
    Unfit = 3,
}

public static class PersonNames
{
    public static string Kind(PersonKind k) => k switch { PersonKind.Cadre => "驻村干部", PersonKind.CommunityWorker => "社区工作者", _ => k.ToString() };

    public static string Staff(StaffStatus s) => s switch { StaffStatus.Established => "在编", StaffStatus.NotEstablished => "编外", StaffStatus.Probation => "试用期", _ => s.ToString() };

    public static string Line(CadreLine l) => l switch
    {
        CadreLine.Party => "党群",
        CadreLine.Economic => "经济",
        CadreLine.Legal => "政法",
        CadreLine.Agriculture => "农牧",
        CadreLine.Technology => "科技",
        CadreLine.Other => "其他",
        _ => l.ToString(),
    };

    public static string Health(HealthStatus? h) => h switch
    {
        HealthStatus.Fit => "能正常履职",
        HealthStatus.Limited => "履职受限",
        HealthStatus.Unfit => "不能正常履职",
        null => "未填写",
        _ => h.ToString()!,
    };

    public static bool TryParseKind(string? s, out PersonKind kind) => TryParseEnum(s, Enum.GetValues<PersonKind>(), Kind, out kind);

    public static bool TryParseStaff(string? s, out StaffStatus v) => TryParseEnum(s, Enum.GetValues<StaffStatus>(), Staff, out v);

    public static bool TryParseLine(string? s, out CadreLine v) => TryParseEnum(s, Enum.GetValues<CadreLine>(), Line, out v);

    public static bool TryParseHealth(string? s, out HealthStatus v) => TryParseEnum(s, Enum.GetValues<HealthStatus>(), h => Health(h), out v);

    /// <summary>Accepts the Chinese name, the English member name (any case) or the number.</summary>
    static bool TryParseEnum<T>(string? s, T[] values, Func<T, string> name, out T value) where T : struct, Enum
    {
        s = s?.Trim();
        foreach (var v in values)
        {
            if (string.Equals(name(v), s, StringComparison.Ordinal) || string.Equals(v.ToString(), s, StringComparison.OrdinalIgnoreCase)
                || Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture) == s)
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }
}

/// <summary>
/// One person of the registry (S-REG-5): a cadre or a community worker. Posts, ranks, education and unit
/// changes are kept in <see cref="History"/>, never overwritten.
/// </summary>
public sealed class Person : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public PersonKind Kind { get; set; }
    public required string Name { get; set; }
    /// <summary>Ordinal key for the roster order by surname strokes (姓氏笔画).</summary>
    public string NameSortKey { get; set; } = "";
    /// <summary>Lower-case pinyin initials of the name, e.g. 张三 → zs.</summary>
    public string NameInitials { get; set; } = "";
    /// <summary>GB/T 2261.1 code: 1 male, 2 female.</summary>
    public required string GenderCode { get; set; }
    /// <summary>GB 3304 code.</summary>
    public required string EthnicCode { get; set; }
    public DateOnly BirthDate { get; set; }
    public required IdNumber IdNumber { get; set; }
    /// <summary>GB/T 4762 code.</summary>
    public required string PoliticalStatusCode { get; set; }
    public DateOnly? PartyJoinDate { get; set; }
    public DateOnly? WorkStartDate { get; set; }
    /// <summary>GB/T 4658 code.</summary>
    public string? EducationCode { get; set; }
    /// <summary>GB/T 6864 code.</summary>
    public string? DegreeCode { get; set; }
    public StaffStatus StaffStatus { get; set; }
    public Guid? UnitId { get; set; }
    public Unit? Unit { get; set; }
    public Guid? CommunityId { get; set; }
    public Community? Community { get; set; }
    public string? Post { get; set; }
    public string? Rank { get; set; }
    public CadreLine Line { get; set; } = CadreLine.Other;
    public HealthStatus? Health { get; set; }
    /// <summary>
    /// Last day of a disciplinary sanction's period of influence (处分影响期), if one is recorded; empty means the
    /// registry records none. Read by the selection rule "not in a sanction period" (S-SEL-3).
    /// </summary>
    public DateOnly? SanctionUntil { get; set; }
    public RegionCode? HomeCountyCode { get; set; }
    /// <summary>Languages spoken, separated by 、 (e.g. 汉语、藏语).</summary>
    public string Languages { get; set; } = "";
    public string? Phone { get; set; }
    /// <summary>The node the person belongs to (their unit's or community's region); decides scope.</summary>
    public required RegionCode RegionCode { get; set; }
    public required string RegionPath { get; set; }
    /// <summary>
    /// While the person holds an active posting: the stationed village's region path, so that the county, township
    /// and village where they serve see them too (S-MNG-7). Kept by publishing and by ending a posting.
    /// </summary>
    public string? StationedRegionPath { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
    /// <summary>Optimistic concurrency token, renewed on each save.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
    public List<PersonHistory> History { get; init; } = [];
}

public enum HistoryField
{
    Post = 1,
    Rank = 2,
    Education = 3,
    Unit = 4,
    Degree = 5,
}

/// <summary>One period of a post, rank, education, degree or unit (任职、职级、学历、单位经历).</summary>
public sealed class PersonHistory
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PersonId { get; init; }
    public HistoryField Field { get; init; }
    public required string Value { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; set; }
    public DateTime RecordedAtUtc { get; init; }
    public string RecordedBy { get; init; } = "";

    public static string FieldName(HistoryField f) => f switch
    {
        HistoryField.Post => "职务",
        HistoryField.Rank => "职级",
        HistoryField.Education => "学历",
        HistoryField.Unit => "工作单位",
        HistoryField.Degree => "学位",
        _ => f.ToString(),
    };
}
