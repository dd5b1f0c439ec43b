using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grassroots.Codes;
using Grassroots.People;

namespace Grassroots.Selection;

/// <summary>The outcome of one eligibility rule for one person (S-SEL-3).</summary>
public enum RuleOutcome
{
    /// <summary>符合.</summary>
    Pass = 1,
    /// <summary>不符合.</summary>
    Fail = 2,
    /// <summary>无法判断: the registry lacks the data the rule needs; blocks approval like a failure.</summary>
    Unknown = 3,
}

/// <summary>The rule kinds a policy may name. A kind is data: a round lists the kinds it applies, with parameters.</summary>
public static class RuleKinds
{
    /// <summary>"1": party standing of at least <c>minYears</c> (default 1) full years at the reference date.</summary>
    public const string PartyStanding = "PartyStanding";
    /// <summary>"2": at least <c>minYears</c> (default 2) full years since the work start date.</summary>
    public const string WorkExperience = "WorkExperience";
    /// <summary>X: fit for normal duty (身体健康，能正常履职).</summary>
    public const string HealthFit = "HealthFit";
    /// <summary>X: formal established staff (在编正式干部).</summary>
    public const string EstablishedStaff = "EstablishedStaff";
    /// <summary>X: not in probation (不在试用期).</summary>
    public const string NotInProbation = "NotInProbation";
    /// <summary>X: not in a disciplinary sanction's period of influence at the reference date.</summary>
    public const string NotUnderSanction = "NotUnderSanction";
    /// <summary>X: at most <c>maxAge</c> full years old at the reference date.</summary>
    public const string AgeLimit = "AgeLimit";
    /// <summary>First-secretary rule: rank (职级) at least <c>minRank</c> (default 科员).</summary>
    public const string RankAtLeast = "RankAtLeast";

    public static readonly IReadOnlyList<string> All =
        [PartyStanding, WorkExperience, HealthFit, EstablishedStaff, NotInProbation, NotUnderSanction, AgeLimit, RankAtLeast];

    /// <summary>Which part of "1+2+X" a kind belongs to, as shown to clerks.</summary>
    public static string Group(string kind) => kind switch
    {
        PartyStanding => "1",
        WorkExperience => "2",
        RankAtLeast => "第一书记",
        _ => "X",
    };
}

/// <summary>One rule of a policy: a kind and its parameters (only those the kind uses).</summary>
public sealed record EligibilityRule
{
    public required string Kind { get; init; }
    /// <summary>PartyStanding, WorkExperience: the minimum full years.</summary>
    public int? MinYears { get; init; }
    /// <summary>AgeLimit: the maximum age in full years at the reference date.</summary>
    public int? MaxAge { get; init; }
    /// <summary>RankAtLeast: the lowest rank that qualifies (a name of <see cref="Ranks"/>).</summary>
    public string? MinRank { get; init; }

    /// <summary>The rule as a clerk reads it, e.g. 党龄满 1 年.</summary>
    [JsonIgnore]
    public string Title => Kind switch
    {
        RuleKinds.PartyStanding => $"党龄满 {MinYears ?? 1} 年",
        RuleKinds.WorkExperience => $"工作经历满 {MinYears ?? 2} 年",
        RuleKinds.HealthFit => "身体健康，能正常履职",
        RuleKinds.EstablishedStaff => "在编正式干部",
        RuleKinds.NotInProbation => "不在试用期内",
        RuleKinds.NotUnderSanction => "不在处分影响期内",
        RuleKinds.AgeLimit => $"年龄不超过 {MaxAge} 周岁",
        RuleKinds.RankAtLeast => $"职级不低于{MinRank ?? Ranks.Clerk}",
        _ => Kind,
    };
}

/// <summary>
/// The eligibility rules in force for a round, stored as JSON on the round: the "1+2+X" rules every candidate must
/// pass to be approved, and the first-secretary rules (S-SEL-9) that decide who may lead a team.
/// </summary>
public sealed record EligibilityPolicy
{
    public List<EligibilityRule> Rules { get; init; } = [];
    public List<EligibilityRule> FirstSecretaryRules { get; init; } = [];

    /// <summary>
    /// The 1+2+X defaults: party standing 1 year, work experience 2 years, fit for duty, established staff, not in
    /// probation, not in a sanction period; first secretaries: party standing 3 years and a rank of 科员 or above.
    /// </summary>
    public static EligibilityPolicy Default => new()
    {
        Rules =
        [
            new() { Kind = RuleKinds.PartyStanding, MinYears = 1 },
            new() { Kind = RuleKinds.WorkExperience, MinYears = 2 },
            new() { Kind = RuleKinds.HealthFit },
            new() { Kind = RuleKinds.EstablishedStaff },
            new() { Kind = RuleKinds.NotInProbation },
            new() { Kind = RuleKinds.NotUnderSanction },
        ],
        FirstSecretaryRules =
        [
            new() { Kind = RuleKinds.PartyStanding, MinYears = 3 },
            new() { Kind = RuleKinds.RankAtLeast, MinRank = Ranks.Clerk },
        ],
    };

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a stored policy; empty means <see cref="Default"/>. Throws <see cref="FormatException"/> on a bad one.</summary>
    public static EligibilityPolicy Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return Default;
        if (!TryParse(json, out var policy, out var errors)) throw new FormatException(string.Join("；", errors));
        return policy;
    }

    /// <summary>Reads and checks a policy; on failure, <paramref name="errors"/> says in Chinese what is wrong.</summary>
    public static bool TryParse(string? json, out EligibilityPolicy policy, out IReadOnlyList<string> errors)
    {
        policy = Default;
        if (string.IsNullOrWhiteSpace(json)) { errors = []; return true; }
        EligibilityPolicy? read;
        try
        {
            read = JsonSerializer.Deserialize<EligibilityPolicy>(json, Json);
        }
        catch (JsonException e)
        {
            errors = [$"资格规则不是有效的 JSON：{e.Message}"];
            return false;
        }
        if (read is null) { errors = ["资格规则不能为空。"]; return false; }
        errors = read.Check();
        if (errors.Count > 0) return false;
        policy = read;
        return true;
    }

    /// <summary>Every problem of the policy, in Chinese; empty when it is usable.</summary>
    public IReadOnlyList<string> Check()
    {
        var errors = new List<string>();
        if (Rules is null || FirstSecretaryRules is null) return ["资格规则缺少 rules 或 firstSecretaryRules。"];
        if (Rules.Count == 0) errors.Add("资格规则至少应有一条。");
        Check(Rules, "资格规则", errors);
        Check(FirstSecretaryRules, "第一书记条件", errors);
        return errors;
    }

    static void Check(List<EligibilityRule> rules, string list, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var r = rules[i];
            var at = $"{list}第 {i + 1} 条";
            if (r is null || string.IsNullOrWhiteSpace(r.Kind)) { errors.Add($"{at}缺少规则类型（kind）。"); continue; }
            if (!RuleKinds.All.Contains(r.Kind)) { errors.Add($"{at}的规则类型“{r.Kind}”无效，可选：{string.Join("、", RuleKinds.All)}。"); continue; }
            if (!seen.Add(r.Kind)) errors.Add($"{at}与前面的规则重复（{r.Kind}）。");
            var usesYears = r.Kind is RuleKinds.PartyStanding or RuleKinds.WorkExperience;
            if (usesYears && r.MinYears is < 0 or > 40) errors.Add($"{at}（{r.Kind}）的年限应在 0 到 40 年之间。");
            if (!usesYears && r.MinYears is not null) errors.Add($"{at}（{r.Kind}）不使用年限参数（minYears）。");
            if (r.Kind == RuleKinds.AgeLimit && r.MaxAge is not (>= 18 and <= 70)) errors.Add($"{at}（年龄上限）须给出 18 到 70 之间的最大年龄（maxAge）。");
            if (r.Kind != RuleKinds.AgeLimit && r.MaxAge is not null) errors.Add($"{at}（{r.Kind}）不使用年龄参数（maxAge）。");
            if (r.Kind == RuleKinds.RankAtLeast && r.MinRank is { } rank && Ranks.Level(rank) is null)
                errors.Add($"{at}的最低职级“{rank}”不在职级表中，可选：{string.Join("、", Ranks.Names)}。");
            if (r.Kind != RuleKinds.RankAtLeast && r.MinRank is not null) errors.Add($"{at}（{r.Kind}）不使用职级参数（minRank）。");
        }
    }

    /// <summary>This policy with <paramref name="rule"/> added to (or replacing the same kind in) the 1+2+X rules.</summary>
    public EligibilityPolicy With(EligibilityRule rule) => this with
    {
        Rules = [.. Rules.Where(r => r.Kind != rule.Kind), rule],
    };
}

/// <summary>The result of one rule: outcome and the reason in words (naming the dates or the missing field).</summary>
public sealed record RuleResult(string Kind, string Title, RuleOutcome Outcome, string Reason)
{
    public string Group => RuleKinds.Group(Kind);
}

/// <summary>All rules of a policy for one person at the reference date.</summary>
public sealed record EligibilityReport(DateOnly ReferenceDate, IReadOnlyList<RuleResult> Rules, IReadOnlyList<RuleResult> FirstSecretaryRules)
{
    /// <summary>Fail if any rule fails; otherwise unknown if any is unknown; otherwise pass.</summary>
    public RuleOutcome Outcome => Combine(Rules);

    /// <summary>Whether the person may also lead a team: the 1+2+X outcome combined with the first-secretary rules.</summary>
    public RuleOutcome FirstSecretaryOutcome => Combine([.. Rules, .. FirstSecretaryRules]);

    /// <summary>The rules that keep the candidate from approval (fail or unknown).</summary>
    public IEnumerable<RuleResult> Blocking => Rules.Where(r => r.Outcome != RuleOutcome.Pass);

    static RuleOutcome Combine(IEnumerable<RuleResult> results)
    {
        var outcome = RuleOutcome.Pass;
        foreach (var r in results)
        {
            if (r.Outcome == RuleOutcome.Fail) return RuleOutcome.Fail;
            if (r.Outcome == RuleOutcome.Unknown) outcome = RuleOutcome.Unknown;
        }
        return outcome;
    }
}

/// <summary>
/// Evaluates eligibility rules against a person of the registry at a reference date (S-SEL-3). Pure: no database.
/// </summary>
/// <remarks>
/// <para>Periods are counted in whole months as the Civil Code counts them (民法典第二百零二条): a period of years ends
/// on the corresponding day of the final month, or on the month's last day when it has no such day. Someone who
/// joined on 2025-01-01 has one full year on 2026-01-01 (passes) and not on 2025-12-31; someone who joined on
/// 2024-02-29 completes a year on 2025-02-28. Ages follow the same rule (born 29 February: a year older on
/// 28 February of a common year).</para>
/// <para>A field the rule needs that the registry lacks gives <see cref="RuleOutcome.Unknown"/> with the field named,
/// never a silent pass. A probationary party member (中共预备党员) has no party standing yet (党龄 counts from full
/// membership). An empty sanction date means the registry records no sanction period: that passes, and says so.</para>
/// </remarks>
public static class EligibilityEngine
{
    public static EligibilityReport Evaluate(Person person, DateOnly referenceDate, EligibilityPolicy policy) => new(
        referenceDate,
        policy.Rules.Select(r => Evaluate(r, person, referenceDate)).ToList(),
        policy.FirstSecretaryRules.Select(r => Evaluate(r, person, referenceDate)).ToList());

    public static RuleResult Evaluate(EligibilityRule rule, Person p, DateOnly on)
    {
        var (outcome, reason) = rule.Kind switch
        {
            RuleKinds.PartyStanding => PartyStanding(p, on, rule.MinYears ?? 1),
            RuleKinds.WorkExperience => WorkExperience(p, on, rule.MinYears ?? 2),
            RuleKinds.HealthFit => p.Health switch
            {
                null => (RuleOutcome.Unknown, "身体状况未填写"),
                HealthStatus.Fit => (RuleOutcome.Pass, "身体状况：能正常履职"),
                var h => (RuleOutcome.Fail, $"身体状况为“{PersonNames.Health(h)}”"),
            },
            RuleKinds.EstablishedStaff => p.StaffStatus == StaffStatus.Established
                ? (RuleOutcome.Pass, "编制情况：在编")
                : (RuleOutcome.Fail, $"编制情况为“{PersonNames.Staff(p.StaffStatus)}”，不是在编正式干部"),
            RuleKinds.NotInProbation => p.StaffStatus == StaffStatus.Probation
                ? (RuleOutcome.Fail, "编制情况为“试用期”，仍在试用期内")
                : (RuleOutcome.Pass, $"编制情况：{PersonNames.Staff(p.StaffStatus)}，不在试用期"),
            RuleKinds.NotUnderSanction => p.SanctionUntil switch
            {
                null => (RuleOutcome.Pass, "未登记处分影响期"),
                { } until when until >= on => (RuleOutcome.Fail, $"处分影响期至 {D(until)}，参照日 {D(on)} 仍在影响期内"),
                { } until => (RuleOutcome.Pass, $"处分影响期已于 {D(until)} 届满（参照日 {D(on)}）"),
            },
            RuleKinds.AgeLimit => Age(p, on, rule.MaxAge ?? 0),
            RuleKinds.RankAtLeast => Rank(p, rule.MinRank ?? Ranks.Clerk),
            _ => (RuleOutcome.Unknown, $"未知的规则类型“{rule.Kind}”"),
        };
        return new RuleResult(rule.Kind, rule.Title, outcome, reason);
    }

    static (RuleOutcome, string) PartyStanding(Person p, DateOnly on, int years)
    {
        var status = p.PoliticalStatusCode;
        if (status == "02") return (RuleOutcome.Fail, $"政治面貌为中共预备党员，党龄自转为正式党员之日起计算，不足 {years} 年（参照日 {D(on)}）");
        if (status != "01")
        {
            var name = PoliticalName(status);
            return name is null
                ? (RuleOutcome.Unknown, $"政治面貌代码“{status}”无法识别")
                : (RuleOutcome.Fail, $"政治面貌为{name}，不是中共党员");
        }
        if (p.PartyJoinDate is not { } joined) return (RuleOutcome.Unknown, "入党时间未填写");
        return Period("入党时间", "党龄", joined, on, years);
    }

    static (RuleOutcome, string) WorkExperience(Person p, DateOnly on, int years) =>
        p.WorkStartDate is { } started ? Period("参加工作时间", "工作经历", started, on, years) : (RuleOutcome.Unknown, "参加工作时间未填写");

    static (RuleOutcome, string) Period(string field, string what, DateOnly from, DateOnly on, int years)
    {
        if (from > on) return (RuleOutcome.Fail, $"{field} {D(from)} 晚于参照日 {D(on)}，{what}不足 {years} 年");
        var (y, m) = Span(from, on);
        var span = $"{field} {D(from)}，{what} {y} 年 {m} 个月";
        return Completed(from, years, on)
            ? (RuleOutcome.Pass, $"{span}，满 {years} 年（参照日 {D(on)}）")
            : (RuleOutcome.Fail, $"{span}，不足 {years} 年（参照日 {D(on)}）");
    }

    static (RuleOutcome, string) Age(Person p, DateOnly on, int maxAge)
    {
        var age = FullYears(p.BirthDate, on);
        return age <= maxAge
            ? (RuleOutcome.Pass, $"出生日期 {D(p.BirthDate)}，参照日 {D(on)} 时 {age} 周岁，未超过 {maxAge} 周岁")
            : (RuleOutcome.Fail, $"出生日期 {D(p.BirthDate)}，参照日 {D(on)} 时 {age} 周岁，超过 {maxAge} 周岁");
    }

    static (RuleOutcome, string) Rank(Person p, string minRank)
    {
        if (string.IsNullOrWhiteSpace(p.Rank)) return (RuleOutcome.Unknown, "职级未填写");
        var level = Ranks.Level(p.Rank);
        if (level is null) return (RuleOutcome.Unknown, $"职级“{p.Rank.Trim()}”不在职级表中，无法比较");
        var min = Ranks.Level(minRank) ?? 1;
        return level >= min
            ? (RuleOutcome.Pass, $"职级为{p.Rank.Trim()}，不低于{minRank}")
            : (RuleOutcome.Fail, $"职级为{p.Rank.Trim()}，低于{minRank}");
    }

    /// <summary>Whether <paramref name="years"/> full years have passed from <paramref name="from"/> on <paramref name="on"/>.</summary>
    public static bool Completed(DateOnly from, int years, DateOnly on) => from.AddYears(years) <= on;

    /// <summary>Whole years and months from <paramref name="from"/> to <paramref name="to"/> (end of month when the day is missing).</summary>
    public static (int Years, int Months) Span(DateOnly from, DateOnly to)
    {
        if (to < from) return (0, 0);
        var months = (to.Year - from.Year) * 12 + to.Month - from.Month;
        if (from.AddMonths(months) > to) months--;
        return (months / 12, months % 12);
    }

    /// <summary>Age or standing in whole years on <paramref name="on"/>.</summary>
    public static int FullYears(DateOnly from, DateOnly on) => Span(from, on).Years;

    static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static readonly Lazy<Dictionary<string, string>> PoliticalNames = new(() => CodeTables.LoadBuiltIn()
        .Where(e => e.Table == CodeTables.Political).ToDictionary(e => e.Code, e => e.ShortName ?? e.Name, StringComparer.Ordinal));

    static string? PoliticalName(string code) => PoliticalNames.Value.GetValueOrDefault(code);
}

/// <summary>
/// Ranks (职级) in order, as the registry writes them (free text on <see cref="Person.Rank"/>). Ranks of civil servants
/// under the parallel post-and-rank system (职务与职级并行) sit at the level of the leadership post they correspond to:
/// 一级/二级科员 are 科员; 三级/四级主任科员 are 乡科级副职; 一级/二级主任科员 乡科级正职; and so on. A rank not in
/// the table has no level (rules then answer unknown).
/// </summary>
public static class Ranks
{
    public const string Clerk = "科员";

    static readonly (int Level, string[] Names)[] Table =
    [
        (0, ["办事员"]),
        (1, ["科员", "一级科员", "二级科员"]),
        (2, ["副科级", "乡科级副职", "副主任科员", "三级主任科员", "四级主任科员"]),
        (3, ["正科级", "乡科级正职", "主任科员", "一级主任科员", "二级主任科员"]),
        (4, ["副处级", "县处级副职", "副调研员", "三级调研员", "四级调研员"]),
        (5, ["正处级", "县处级正职", "调研员", "一级调研员", "二级调研员"]),
        (6, ["副厅级", "厅局级副职", "副巡视员", "二级巡视员"]),
        (7, ["正厅级", "厅局级正职", "巡视员", "一级巡视员"]),
    ];

    static readonly Dictionary<string, int> Levels = Table.SelectMany(t => t.Names.Select(n => (n, t.Level))).ToDictionary(x => x.n, x => x.Level, StringComparer.Ordinal);

    /// <summary>Every rank name the table knows, lowest first.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.SelectMany(t => t.Names).ToList();

    /// <summary>0 for 办事员, 1 for the 科员 ranks, … ; null when the rank is missing or not in the table.</summary>
    public static int? Level(string? rank) => rank is not null && Levels.TryGetValue(rank.Trim(), out var level) ? level : null;
}
