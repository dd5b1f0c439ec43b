using Grassroots.Selection;

namespace Grassroots.Web.Components.Pages.Selection;

/// <summary>
/// What the round form posts. The eligibility policy is edited as fields a clerk understands (years, which X rules
/// apply, an age limit, the first-secretary rank) and turned into the policy JSON the service checks.
/// </summary>
public sealed class RoundForm
{
    public string? Name { get; set; }
    public string? RegionCode { get; set; }
    public DateOnly? ReferenceDate { get; set; }
    public DateOnly? TermStart { get; set; }
    public int? TermMonths { get; set; } = 24;
    public string? Avoidance { get; set; } = "county";
    public int? MismatchCost { get; set; } = 1000;
    public int? PerKmCost { get; set; } = 10;
    public bool SpeakerRequired { get; set; } = true;
    public int? PartyYears { get; set; } = 1;
    public int? WorkYears { get; set; } = 2;
    public bool HealthFit { get; set; } = true;
    public bool EstablishedStaff { get; set; } = true;
    public bool NotInProbation { get; set; } = true;
    public bool NotUnderSanction { get; set; } = true;
    public int? MaxAge { get; set; }
    public int? FirstSecretaryPartyYears { get; set; } = 3;
    public string? FirstSecretaryMinRank { get; set; } = Ranks.Clerk;
    public string? Version { get; set; }

    public RoundInput ToInput() => new()
    {
        Name = Name,
        RegionCode = RegionCode,
        ReferenceDate = ReferenceDate,
        TermStart = TermStart,
        TermMonths = TermMonths,
        Avoidance = Avoidance,
        MismatchCost = MismatchCost,
        PerKmCost = PerKmCost,
        SpeakerRequired = SpeakerRequired,
        EligibilityPolicy = Policy().ToJson(),
        Version = Guid.TryParse(Version, out var v) ? v : null,
    };

    EligibilityPolicy Policy()
    {
        var rules = new List<EligibilityRule>
        {
            new() { Kind = RuleKinds.PartyStanding, MinYears = PartyYears ?? 1 },
            new() { Kind = RuleKinds.WorkExperience, MinYears = WorkYears ?? 2 },
        };
        if (HealthFit) rules.Add(new() { Kind = RuleKinds.HealthFit });
        if (EstablishedStaff) rules.Add(new() { Kind = RuleKinds.EstablishedStaff });
        if (NotInProbation) rules.Add(new() { Kind = RuleKinds.NotInProbation });
        if (NotUnderSanction) rules.Add(new() { Kind = RuleKinds.NotUnderSanction });
        if (MaxAge is { } age) rules.Add(new() { Kind = RuleKinds.AgeLimit, MaxAge = age });
        return new EligibilityPolicy
        {
            Rules = rules,
            FirstSecretaryRules =
            [
                new() { Kind = RuleKinds.PartyStanding, MinYears = FirstSecretaryPartyYears ?? 3 },
                new() { Kind = RuleKinds.RankAtLeast, MinRank = string.IsNullOrWhiteSpace(FirstSecretaryMinRank) ? Ranks.Clerk : FirstSecretaryMinRank },
            ],
        };
    }

    public static RoundForm From(RoundDetail d)
    {
        var policy = EligibilityPolicy.Parse(d.EligibilityPolicy);
        EligibilityRule? Rule(string kind) => policy.Rules.FirstOrDefault(r => r.Kind == kind);
        EligibilityRule? Leader(string kind) => policy.FirstSecretaryRules.FirstOrDefault(r => r.Kind == kind);
        return new RoundForm
        {
            Name = d.Name,
            RegionCode = d.RegionCode,
            ReferenceDate = d.ReferenceDate,
            TermStart = d.TermStart,
            TermMonths = d.TermMonths,
            Avoidance = d.Avoidance,
            MismatchCost = d.MismatchCost,
            PerKmCost = d.PerKmCost,
            SpeakerRequired = d.SpeakerRequired,
            PartyYears = Rule(RuleKinds.PartyStanding)?.MinYears ?? 1,
            WorkYears = Rule(RuleKinds.WorkExperience)?.MinYears ?? 2,
            HealthFit = Rule(RuleKinds.HealthFit) is not null,
            EstablishedStaff = Rule(RuleKinds.EstablishedStaff) is not null,
            NotInProbation = Rule(RuleKinds.NotInProbation) is not null,
            NotUnderSanction = Rule(RuleKinds.NotUnderSanction) is not null,
            MaxAge = Rule(RuleKinds.AgeLimit)?.MaxAge,
            FirstSecretaryPartyYears = Leader(RuleKinds.PartyStanding)?.MinYears ?? 3,
            FirstSecretaryMinRank = Leader(RuleKinds.RankAtLeast)?.MinRank ?? Ranks.Clerk,
            Version = d.Version.ToString(),
        };
    }
}
