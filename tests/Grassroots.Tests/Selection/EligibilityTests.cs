using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Selection;

namespace Grassroots.Tests.Selection;

/// <summary>The 1+2+X rules (S-SEL-3) and the first-secretary rules (S-SEL-9), rule by rule, with exact boundary dates.</summary>
public sealed class EligibilityTests
{
    static readonly DateOnly Reference = new(2026, 1, 1);

    /// <summary>A cadre who passes every default rule on <see cref="Reference"/>.</summary>
    static Person Cadre(Action<Person>? change = null)
    {
        var p = new Person
        {
            Kind = PersonKind.Cadre,
            Name = "测试",
            GenderCode = "1",
            EthnicCode = "04",
            BirthDate = new DateOnly(1990, 6, 15),
            IdNumber = IdNumber.FromTrusted("542521199006150011"),
            PoliticalStatusCode = "01",
            PartyJoinDate = new DateOnly(2015, 7, 1),
            WorkStartDate = new DateOnly(2013, 7, 1),
            StaffStatus = StaffStatus.Established,
            Health = HealthStatus.Fit,
            Rank = "一级科员",
            RegionCode = RegionCode.Parse("542521"),
            RegionPath = "/540000/542500/542521/",
        };
        change?.Invoke(p);
        return p;
    }

    static RuleResult Rule(Person p, string kind, DateOnly? on = null, EligibilityPolicy? policy = null) =>
        EligibilityEngine.Evaluate(p, on ?? Reference, policy ?? EligibilityPolicy.Default).Rules.Single(r => r.Kind == kind);

    [Fact]
    public void DefaultPolicy_IsOnePlusTwoPlusX_AndTheFirstSecretaryRules()
    {
        var policy = EligibilityPolicy.Default;
        Assert.Equal([RuleKinds.PartyStanding, RuleKinds.WorkExperience, RuleKinds.HealthFit, RuleKinds.EstablishedStaff, RuleKinds.NotInProbation, RuleKinds.NotUnderSanction],
            policy.Rules.Select(r => r.Kind));
        Assert.Equal(1, policy.Rules[0].MinYears);
        Assert.Equal(2, policy.Rules[1].MinYears);
        Assert.Equal([(RuleKinds.PartyStanding, (int?)3), (RuleKinds.RankAtLeast, null)], policy.FirstSecretaryRules.Select(r => (r.Kind, r.MinYears)));
        Assert.Equal("科员", policy.FirstSecretaryRules[1].MinRank);

        var report = EligibilityEngine.Evaluate(Cadre(), Reference, policy);
        Assert.Equal(RuleOutcome.Pass, report.Outcome);
        Assert.Equal(RuleOutcome.Pass, report.FirstSecretaryOutcome);
        Assert.Empty(report.Blocking);
    }

    [Theory]
    [InlineData("2025-01-01", "2026-01-01", RuleOutcome.Pass, "入党时间 2025-01-01，党龄 1 年 0 个月，满 1 年（参照日 2026-01-01）")]
    [InlineData("2025-01-02", "2026-01-01", RuleOutcome.Fail, "入党时间 2025-01-02，党龄 0 年 11 个月，不足 1 年（参照日 2026-01-01）")]
    [InlineData("2025-12-31", "2026-12-31", RuleOutcome.Pass, "入党时间 2025-12-31，党龄 1 年 0 个月，满 1 年（参照日 2026-12-31）")]
    [InlineData("2026-01-01", "2026-12-31", RuleOutcome.Fail, "入党时间 2026-01-01，党龄 0 年 11 个月，不足 1 年（参照日 2026-12-31）")]
    [InlineData("2026-03-01", "2026-01-01", RuleOutcome.Fail, "入党时间 2026-03-01 晚于参照日 2026-01-01，党龄不足 1 年")]
    // 29 February: the year completes on 28 February of a common year (民法典第二百零二条: no corresponding day → the month's last day).
    [InlineData("2024-02-29", "2025-02-28", RuleOutcome.Pass, "入党时间 2024-02-29，党龄 1 年 0 个月，满 1 年（参照日 2025-02-28）")]
    [InlineData("2024-02-29", "2025-02-27", RuleOutcome.Fail, "入党时间 2024-02-29，党龄 0 年 11 个月，不足 1 年（参照日 2025-02-27）")]
    [InlineData("2023-03-01", "2024-02-29", RuleOutcome.Fail, "入党时间 2023-03-01，党龄 0 年 11 个月，不足 1 年（参照日 2024-02-29）")]
    [InlineData("2023-02-28", "2024-02-28", RuleOutcome.Pass, "入党时间 2023-02-28，党龄 1 年 0 个月，满 1 年（参照日 2024-02-28）")]
    public void PartyStanding_CountsWholeYearsToTheDay(string joined, string on, RuleOutcome expected, string reason)
    {
        var result = Rule(Cadre(p => p.PartyJoinDate = DateOnly.Parse(joined)), RuleKinds.PartyStanding, DateOnly.Parse(on));
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(reason, result.Reason);
        Assert.Equal("党龄满 1 年", result.Title);
    }

    [Fact]
    public void PartyStanding_MissingJoiningDate_IsUnknown_NeverAPass()
    {
        var result = Rule(Cadre(p => p.PartyJoinDate = null), RuleKinds.PartyStanding);
        Assert.Equal(RuleOutcome.Unknown, result.Outcome);
        Assert.Equal("入党时间未填写", result.Reason);
        var report = EligibilityEngine.Evaluate(Cadre(p => p.PartyJoinDate = null), Reference, EligibilityPolicy.Default);
        Assert.Equal(RuleOutcome.Unknown, report.Outcome);
        Assert.Equal([RuleKinds.PartyStanding], report.Blocking.Select(r => r.Kind));
    }

    [Theory]
    [InlineData("02", "政治面貌为中共预备党员，党龄自转为正式党员之日起计算，不足 1 年（参照日 2026-01-01）")]
    [InlineData("13", "政治面貌为群众，不是中共党员")]
    [InlineData("03", "政治面貌为共青团员，不是中共党员")]
    public void PartyStanding_ProbationaryMembersAndNonMembers_Fail(string status, string reason)
    {
        var result = Rule(Cadre(p => { p.PoliticalStatusCode = status; p.PartyJoinDate = status == "02" ? new DateOnly(2020, 1, 1) : null; }), RuleKinds.PartyStanding);
        Assert.Equal(RuleOutcome.Fail, result.Outcome);
        Assert.Equal(reason, result.Reason);
    }

    [Theory]
    [InlineData("2024-01-01", RuleOutcome.Pass, "参加工作时间 2024-01-01，工作经历 2 年 0 个月，满 2 年（参照日 2026-01-01）")]
    [InlineData("2024-01-02", RuleOutcome.Fail, "参加工作时间 2024-01-02，工作经历 1 年 11 个月，不足 2 年（参照日 2026-01-01）")]
    public void WorkExperience_NeedsTwoFullYears(string started, RuleOutcome expected, string reason)
    {
        var result = Rule(Cadre(p => p.WorkStartDate = DateOnly.Parse(started)), RuleKinds.WorkExperience);
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void WorkExperience_MissingStartDate_IsUnknown()
    {
        var result = Rule(Cadre(p => p.WorkStartDate = null), RuleKinds.WorkExperience);
        Assert.Equal((RuleOutcome.Unknown, "参加工作时间未填写"), (result.Outcome, result.Reason));
    }

    [Theory]
    [InlineData(HealthStatus.Fit, RuleOutcome.Pass, "身体状况：能正常履职")]
    [InlineData(HealthStatus.Limited, RuleOutcome.Fail, "身体状况为“履职受限”")]
    [InlineData(HealthStatus.Unfit, RuleOutcome.Fail, "身体状况为“不能正常履职”")]
    [InlineData(null, RuleOutcome.Unknown, "身体状况未填写")]
    public void HealthFit_FitPasses_LimitedFails_MissingIsUnknown(HealthStatus? health, RuleOutcome expected, string reason)
    {
        var result = Rule(Cadre(p => p.Health = health), RuleKinds.HealthFit);
        Assert.Equal((expected, reason), (result.Outcome, result.Reason));
    }

    [Theory]
    [InlineData(StaffStatus.Established, RuleOutcome.Pass, RuleOutcome.Pass)]
    [InlineData(StaffStatus.NotEstablished, RuleOutcome.Fail, RuleOutcome.Pass)]
    [InlineData(StaffStatus.Probation, RuleOutcome.Fail, RuleOutcome.Fail)]
    public void EstablishedStaff_AndNotInProbation_ReadTheStaffStatus(StaffStatus status, RuleOutcome established, RuleOutcome notInProbation)
    {
        var p = Cadre(x => x.StaffStatus = status);
        Assert.Equal(established, Rule(p, RuleKinds.EstablishedStaff).Outcome);
        Assert.Equal(notInProbation, Rule(p, RuleKinds.NotInProbation).Outcome);
        if (status == StaffStatus.NotEstablished)
            Assert.Equal("编制情况为“编外”，不是在编正式干部", Rule(p, RuleKinds.EstablishedStaff).Reason);
    }

    [Theory]
    [InlineData(null, RuleOutcome.Pass, "未登记处分影响期")]
    [InlineData("2026-01-01", RuleOutcome.Fail, "处分影响期至 2026-01-01，参照日 2026-01-01 仍在影响期内")]
    [InlineData("2025-12-31", RuleOutcome.Pass, "处分影响期已于 2025-12-31 届满（参照日 2026-01-01）")]
    public void NotUnderSanction_ReadsTheSanctionPeriod_LastDayStillCounts(string? until, RuleOutcome expected, string reason)
    {
        var result = Rule(Cadre(p => p.SanctionUntil = until is null ? null : DateOnly.Parse(until)), RuleKinds.NotUnderSanction);
        Assert.Equal((expected, reason), (result.Outcome, result.Reason));
    }

    [Fact]
    public void RulesAreData_ARoundAddingAnAgeLimit_ChangesTheOutcome()
    {
        // Born 1975-01-01: 51 on the reference date 2026-01-01.
        var older = Cadre(p => p.BirthDate = new DateOnly(1975, 1, 1));
        var fifty = Cadre(p => p.BirthDate = new DateOnly(1975, 1, 2));
        Assert.Equal(RuleOutcome.Pass, EligibilityEngine.Evaluate(older, Reference, EligibilityPolicy.Default).Outcome);

        var json = EligibilityPolicy.Default.With(new EligibilityRule { Kind = RuleKinds.AgeLimit, MaxAge = 50 }).ToJson();
        var policy = EligibilityPolicy.Parse(json);
        Assert.Contains("\"kind\":\"AgeLimit\",\"maxAge\":50", json, StringComparison.Ordinal);

        var report = EligibilityEngine.Evaluate(older, Reference, policy);
        Assert.Equal(RuleOutcome.Fail, report.Outcome);
        var age = Assert.Single(report.Blocking);
        Assert.Equal("年龄不超过 50 周岁", age.Title);
        Assert.Equal("出生日期 1975-01-01，参照日 2026-01-01 时 51 周岁，超过 50 周岁", age.Reason);
        Assert.Equal(RuleOutcome.Pass, EligibilityEngine.Evaluate(fifty, Reference, policy).Outcome);
    }

    [Fact]
    public void AgeLimit_BornOn29February_IsAYearOlderOn28FebruaryOfACommonYear()
    {
        var policy = EligibilityPolicy.Default.With(new EligibilityRule { Kind = RuleKinds.AgeLimit, MaxAge = 45 });
        var leapling = Cadre(p => p.BirthDate = new DateOnly(1980, 2, 29));
        Assert.Equal(RuleOutcome.Pass, Rule(leapling, RuleKinds.AgeLimit, new DateOnly(2026, 2, 27), policy).Outcome);
        Assert.Equal(RuleOutcome.Fail, Rule(leapling, RuleKinds.AgeLimit, new DateOnly(2026, 2, 28), policy).Outcome);
    }

    [Fact]
    public void RulesAreData_ARoundMayRaiseTheYears()
    {
        var policy = EligibilityPolicy.Parse("""{"rules":[{"kind":"PartyStanding","minYears":5},{"kind":"HealthFit"}],"firstSecretaryRules":[]}""");
        var p = Cadre(x => x.PartyJoinDate = new DateOnly(2021, 6, 1));
        var report = EligibilityEngine.Evaluate(p, Reference, policy);
        Assert.Equal(2, report.Rules.Count);
        Assert.Equal("党龄满 5 年", report.Rules[0].Title);
        Assert.Equal(RuleOutcome.Fail, report.Outcome);
        Assert.Empty(report.FirstSecretaryRules);
    }

    [Theory]
    [InlineData("一级科员", RuleOutcome.Pass, "职级为一级科员，不低于科员")]
    [InlineData("四级主任科员", RuleOutcome.Pass, "职级为四级主任科员，不低于科员")]
    [InlineData("二级调研员", RuleOutcome.Pass, "职级为二级调研员，不低于科员")]
    [InlineData("办事员", RuleOutcome.Fail, "职级为办事员，低于科员")]
    [InlineData("高级工程师", RuleOutcome.Unknown, "职级“高级工程师”不在职级表中，无法比较")]
    [InlineData(null, RuleOutcome.Unknown, "职级未填写")]
    public void FirstSecretary_RankAtLeastClerk_FromTheOrderedRankTable(string? rank, RuleOutcome expected, string reason)
    {
        var report = EligibilityEngine.Evaluate(Cadre(p => p.Rank = rank), Reference, EligibilityPolicy.Default);
        var result = report.FirstSecretaryRules.Single(r => r.Kind == RuleKinds.RankAtLeast);
        Assert.Equal((expected, reason), (result.Outcome, result.Reason));
        Assert.Equal(RuleOutcome.Pass, report.Outcome); // rank is not a 1+2+X rule
        Assert.Equal(expected, report.FirstSecretaryOutcome);
    }

    [Theory]
    [InlineData("2023-01-01", RuleOutcome.Pass)]
    [InlineData("2023-01-02", RuleOutcome.Fail)]
    public void FirstSecretary_NeedsThreeYearsOfPartyStanding(string joined, RuleOutcome expected)
    {
        var report = EligibilityEngine.Evaluate(Cadre(p => p.PartyJoinDate = DateOnly.Parse(joined)), Reference, EligibilityPolicy.Default);
        Assert.Equal(RuleOutcome.Pass, report.Outcome);
        Assert.Equal(expected, report.FirstSecretaryRules.Single(r => r.Kind == RuleKinds.PartyStanding).Outcome);
        Assert.Equal(expected, report.FirstSecretaryOutcome);
    }

    [Fact]
    public void Outcome_FailOutranksUnknown()
    {
        var report = EligibilityEngine.Evaluate(Cadre(p => { p.Health = null; p.StaffStatus = StaffStatus.NotEstablished; }), Reference, EligibilityPolicy.Default);
        Assert.Equal(RuleOutcome.Fail, report.Outcome);
        Assert.Equal([RuleKinds.HealthFit, RuleKinds.EstablishedStaff], report.Blocking.Select(r => r.Kind));
    }

    [Theory]
    [InlineData("""{"rules":[{"kind":"Height"}]}""", "资格规则第 1 条的规则类型“Height”无效")]
    [InlineData("""{"rules":[{"kind":"AgeLimit"}]}""", "资格规则第 1 条（年龄上限）须给出 18 到 70 之间的最大年龄（maxAge）。")]
    [InlineData("""{"rules":[{"kind":"PartyStanding","minYears":-1}]}""", "资格规则第 1 条（PartyStanding）的年限应在 0 到 40 年之间。")]
    [InlineData("""{"rules":[{"kind":"HealthFit"},{"kind":"HealthFit"}]}""", "资格规则第 2 条与前面的规则重复（HealthFit）。")]
    [InlineData("""{"rules":[{"kind":"HealthFit"}],"firstSecretaryRules":[{"kind":"RankAtLeast","minRank":"大队长"}]}""", "第一书记条件第 1 条的最低职级“大队长”不在职级表中")]
    [InlineData("""{"rules":[]}""", "资格规则至少应有一条。")]
    [InlineData("""{"rules":[{"kind":"HealthFit","colour":"red"}]}""", "资格规则不是有效的 JSON")]
    [InlineData("not json", "资格规则不是有效的 JSON")]
    public void Policy_Invalid_IsRefusedWithAChineseMessage(string json, string message)
    {
        Assert.False(EligibilityPolicy.TryParse(json, out _, out var errors));
        Assert.Contains(errors, e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Policy_RoundTripsThroughJson_AndEmptyMeansTheDefault()
    {
        var json = EligibilityPolicy.Default.ToJson();
        Assert.Equal(json, EligibilityPolicy.Parse(json).ToJson());
        Assert.Equal(json, EligibilityPolicy.Parse("").ToJson());
        Assert.Contains("\"minRank\":\"科员\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-01-31", "2024-02-29", 0, 1)]
    [InlineData("2024-01-31", "2024-02-28", 0, 0)]
    [InlineData("2020-05-15", "2026-01-01", 5, 7)]
    [InlineData("2026-01-01", "2025-01-01", 0, 0)]
    public void Span_CountsWholeMonths(string from, string to, int years, int months) =>
        Assert.Equal((years, months), EligibilityEngine.Span(DateOnly.Parse(from), DateOnly.Parse(to)));
}
