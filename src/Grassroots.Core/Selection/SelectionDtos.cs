using Grassroots.Common;
using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Selection;

/// <summary>What a client may set on a round (create and update). Omitted values take the defaults on create.</summary>
public sealed record RoundInput
{
    public string? Name { get; init; }
    public DateOnly? ReferenceDate { get; init; }
    public DateOnly? TermStart { get; init; }
    public int? TermMonths { get; init; }
    /// <summary>The organising node (a prefecture or province in the user's scope); default the user's own node.</summary>
    public string? RegionCode { get; init; }
    /// <summary>none, township or county (or 不回避 / 回避本乡镇 / 回避本县).</summary>
    public string? Avoidance { get; init; }
    public int? MismatchCost { get; init; }
    public int? PerKmCost { get; init; }
    public bool? SpeakerRequired { get; init; }
    /// <summary>The eligibility policy as JSON; empty keeps the current one (the 1+2+X defaults on create).</summary>
    public string? EligibilityPolicy { get; init; }
    /// <summary>On update: the version the client read; a stale version is a conflict (409).</summary>
    public Guid? Version { get; init; }
}

public sealed record RoundSummary(
    Guid Id,
    string Name,
    string RegionCode,
    string RegionName,
    string Status,
    string StatusName,
    DateOnly ReferenceDate,
    DateOnly TermStart,
    int TermMonths,
    DateOnly TermEnd,
    int Villages,
    int Members,
    int Candidates,
    int Pending,
    int Approved,
    DateTime CreatedAtUtc);

public sealed record PolicyRuleDto(string Kind, string Group, string Title);

public sealed record StatusCount(string Status, string StatusName, int Count);

public sealed record RoundDetail
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string RegionCode { get; init; }
    public required string RegionName { get; init; }
    public required string Status { get; init; }
    public required string StatusName { get; init; }
    public required DateOnly ReferenceDate { get; init; }
    public required DateOnly TermStart { get; init; }
    public required int TermMonths { get; init; }
    public required DateOnly TermEnd { get; init; }
    public required string Avoidance { get; init; }
    public required string AvoidanceName { get; init; }
    public required int MismatchCost { get; init; }
    public required int PerKmCost { get; init; }
    public required bool SpeakerRequired { get; init; }
    public required string EligibilityPolicy { get; init; }
    public required IReadOnlyList<PolicyRuleDto> Rules { get; init; }
    public required IReadOnlyList<PolicyRuleDto> FirstSecretaryRules { get; init; }
    public required DateTime CreatedAtUtc { get; init; }
    public required string CreatedBy { get; init; }
    public required Guid Version { get; init; }
    /// <summary>Candidates by status, within the user's scope.</summary>
    public required IReadOnlyList<StatusCount> Candidates { get; init; }
    public required DemandTotals Demand { get; init; }
    public required IReadOnlyList<QuotaDto> Quotas { get; init; }
}

public sealed record QuotaDto(Guid UnitId, string UnitName, string RegionName, int Quota, int Candidates, int Approved);

public sealed record QuotaInput
{
    public Guid UnitId { get; init; }
    public int Quota { get; init; }
}

public sealed record DemandRow(
    Guid Id,
    Guid VillageId,
    string VillageCode,
    string VillageName,
    string TownshipName,
    string CountyName,
    int Households,
    int Members,
    bool NeedsSpeaker,
    string FitTag,
    string FitTagName,
    string TagNames);

/// <summary>Demand totals: villages (one first secretary each), team members besides them, villages that need a speaker.</summary>
public sealed record DemandTotals(int Villages, int Members, int SpeakerVillages);

public sealed record DemandPage(PagedResult<DemandRow> Page, DemandTotals Totals);

public sealed record DemandInput
{
    public int? Members { get; init; }
    public bool? NeedsSpeaker { get; init; }
    /// <summary>weak, poor, complex, industry or specialised (or the Chinese tag name).</summary>
    public string? FitTag { get; init; }
}

public sealed record GenerateDemandInput
{
    /// <summary>Team members to share out (default: the villages × 471/145, Ali's ratio).</summary>
    public int? TotalMembers { get; init; }
}

public sealed record NominationInput
{
    public Guid? PersonId { get; init; }
    /// <summary>selfNomination or unitRecommendation (or 个人自荐 / 单位推荐).</summary>
    public string? Entry { get; init; }
    public string? Statement { get; init; }
}

public sealed record CandidateQuery
{
    public string? Status { get; init; }
    public string? Entry { get; init; }
    /// <summary>pass, fail or unknown: the 1+2+X outcome at the round's reference date.</summary>
    public string? Outcome { get; init; }
    public Guid? UnitId { get; init; }
    /// <summary>A name (or part of one).</summary>
    public string? Q { get; init; }
    /// <summary>One of <see cref="CandidateService.SortKeys"/>.</summary>
    public string? Sort { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

public sealed record CandidateRow(
    Guid Id,
    Guid PersonId,
    string Name,
    string? UnitName,
    string RegionName,
    string? Rank,
    string LineName,
    string Entry,
    string EntryName,
    string Status,
    string StatusName,
    string NominatedBy,
    DateTime NominatedAtUtc,
    string Outcome,
    string OutcomeName,
    string? Blocking,
    string FirstSecretaryOutcome,
    bool Attested);

public sealed record RuleRow(string Kind, string Group, string Title, string Outcome, string OutcomeName, string Reason);

public sealed record AttestationDto(Guid Id, bool GoodPolitics, bool StrongAbility, bool StrongDuty, string Notes, string Reviewer, DateTime AtUtc);

public sealed record CandidateDetail
{
    public required Guid Id { get; init; }
    public required Guid RoundId { get; init; }
    public required string RoundName { get; init; }
    public required string RoundStatus { get; init; }
    public required DateOnly ReferenceDate { get; init; }
    public required Guid PersonId { get; init; }
    public required string Name { get; init; }
    public required string GenderName { get; init; }
    public required DateOnly BirthDate { get; init; }
    public required string PoliticalStatusName { get; init; }
    public DateOnly? PartyJoinDate { get; init; }
    public DateOnly? WorkStartDate { get; init; }
    public required string StaffStatusName { get; init; }
    public required string HealthName { get; init; }
    public DateOnly? SanctionUntil { get; init; }
    public string? UnitName { get; init; }
    public string? Post { get; init; }
    public string? Rank { get; init; }
    public required string LineName { get; init; }
    public required string RegionName { get; init; }
    public required string Entry { get; init; }
    public required string EntryName { get; init; }
    public required string Statement { get; init; }
    public required string NominatedBy { get; init; }
    public required DateTime NominatedAtUtc { get; init; }
    public required string Status { get; init; }
    public required string StatusName { get; init; }
    public string? ReviewedBy { get; init; }
    public DateTime? ReviewedAtUtc { get; init; }
    public string? ReviewNote { get; init; }
    public required string Outcome { get; init; }
    public required string OutcomeName { get; init; }
    public required string FirstSecretaryOutcome { get; init; }
    public required string FirstSecretaryOutcomeName { get; init; }
    public required IReadOnlyList<RuleRow> Rules { get; init; }
    public required IReadOnlyList<RuleRow> FirstSecretaryRules { get; init; }
    public required IReadOnlyList<AttestationDto> Attestations { get; init; }
    /// <summary>Why approval would be refused now (empty when it would be accepted).</summary>
    public required IReadOnlyList<string> ApprovalBlockers { get; init; }
    public required Guid Version { get; init; }
}

public sealed record AttestationInput
{
    public bool? GoodPolitics { get; init; }
    public bool? StrongAbility { get; init; }
    public bool? StrongDuty { get; init; }
    public string? Notes { get; init; }
    public Guid? Version { get; init; }
}

public sealed record ReviewInput
{
    public string? Note { get; init; }
    /// <summary>The version the reviewer read; a stale version is a conflict (409).</summary>
    public Guid? Version { get; init; }
}

/// <summary>Names and keys of the selection enums, as the API and pages show them.</summary>
public static class SelectionNames
{
    public static string Key<T>(T value) where T : struct, Enum
    {
        var s = value.ToString();
        return char.ToLowerInvariant(s[0]) + s[1..];
    }

    public static string Outcome(RuleOutcome o) => o switch
    {
        RuleOutcome.Pass => "符合",
        RuleOutcome.Fail => "不符合",
        RuleOutcome.Unknown => "待核实",
        _ => o.ToString(),
    };

    public static string Tag(VillageTags tag) => VillageTagNames.All.FirstOrDefault(t => t.Tag == tag).Name ?? "—";

    public static string TagKey(VillageTags tag) => VillageTagNames.All.FirstOrDefault(t => t.Tag == tag).Key ?? "none";

    public static bool TryParseTag(string? s, out VillageTags tag)
    {
        s = s?.Trim();
        foreach (var (t, key, name) in VillageTagNames.All)
        {
            if (string.Equals(key, s, StringComparison.OrdinalIgnoreCase) || name == s || name.TrimEnd('村') == s || string.Equals(t.ToString(), s, StringComparison.OrdinalIgnoreCase))
            {
                tag = t;
                return true;
            }
        }
        tag = VillageTags.None;
        return false;
    }

    /// <summary>Accepts the key (camelCase), the member name (any case), the Chinese name or the number.</summary>
    public static bool TryParse<T>(string? s, Func<T, string> name, out T value) where T : struct, Enum
    {
        s = s?.Trim();
        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(v.ToString(), s, StringComparison.OrdinalIgnoreCase) || name(v) == s
                || Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture) == s)
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static string RegionName(RegionCode code) => PersonMapping.RegionName(code);
}
