using Grassroots.Common;
using Grassroots.Security;

namespace Grassroots.Manage;

/// <summary>
/// Settings of supervision (section <c>Grassroots:Oversight</c>): roll-call time limits, how inspections are weighted by
/// risk, and limits on follow-up deadlines. Every value is a default a prefecture may change in configuration (DOMAIN §4).
/// </summary>
public sealed class OversightOptions
{
    public const string Section = "Grassroots:Oversight";

    /// <summary>The time a cadre has to answer a roll-call with a check-in (S-MNG-6, default 30 minutes).</summary>
    public int RollCallMinutes { get; set; } = 30;

    /// <summary>The shortest and longest limit an office may give one roll-call.</summary>
    public int MinRollCallMinutes { get; set; } = 5;

    public int MaxRollCallMinutes { get; set; } = 240;

    /// <summary>The window of on-post days that weighs a team in a random draw (default the last 30 days).</summary>
    public int RiskWindowDays { get; set; } = 30;

    /// <summary>A team's weight in a draw is <c>RiskBaseWeight + RiskFactor × (1 − on-post rate)</c>: a team always on post
    /// weighs 1, a team never on post 5 (S-MNG-5: a low on-post rate raises the weight).</summary>
    public double RiskBaseWeight { get; set; } = 1;

    public double RiskFactor { get; set; } = 4;

    /// <summary>Teams drawn when the office does not say (the article's practice of a handful at a time).</summary>
    public int DefaultDrawCount { get; set; } = 5;

    /// <summary>Inspectors drawn for each team when a pool is given.</summary>
    public int InspectorsPerTeam { get; set; } = 2;

    /// <summary>The latest deadline a follow-up may be given, in days from its issue.</summary>
    public int MaxFollowUpDays { get; set; } = 180;

    /// <summary>An open follow-up whose deadline is at most this many days away is due soon (the dashboard's reminder).</summary>
    public int FollowUpDueSoonDays { get; set; } = 3;
}

/// <summary>
/// Who does what in supervision (S-MNG-7: 乡镇日常管, 县驻村办统筹管, 地委组织部抓统筹), always inside the account's scope.
/// <list type="table">
/// <item><term>请示报告</term><description>the township answers those addressed to it; the county office answers any in its
/// county; the prefecture reads.</description></item>
/// <item><term>随机检查</term><description>the county office draws, records and follows up; townships and the prefecture read.</description></item>
/// <item><term>实时调度、实地走访、点名</term><description>the county office and the prefecture (地县两级驻村办); townships read.</description></item>
/// <item><term>关心关怀</term><description>the county office sets budgets; the township and the county office record spending; the prefecture reads.</description></item>
/// </list>
/// The system actor (command line) may do everything.
/// </summary>
public static class OversightPolicy
{
    static bool IsSystem(CurrentUser u) => u.ScopePath == "/";

    public static bool MayRead(CurrentUser u) => IsSystem(u) || (u.HasScope && u.Roles.Overlaps(Roles.ManageStaff));

    public static bool MayAnswer(CurrentUser u, RequestAddressee to) => IsSystem(u) || u.IsInRole(Roles.CountyOrg) || (to == RequestAddressee.Township && u.IsInRole(Roles.Township));

    public static bool MayAnswerAny(CurrentUser u) => IsSystem(u) || u.Roles.Overlaps([Roles.CountyOrg, Roles.Township]);

    public static bool MayInspect(CurrentUser u) => IsSystem(u) || u.IsInRole(Roles.CountyOrg);

    public static bool MayDispatch(CurrentUser u) => IsSystem(u) || u.Roles.Overlaps([Roles.CountyOrg, Roles.PrefectureOrg]);

    public static bool MaySetBudget(CurrentUser u) => IsSystem(u) || u.IsInRole(Roles.CountyOrg);

    public static bool MayRecordSpending(CurrentUser u) => IsSystem(u) || u.Roles.Overlaps([Roles.CountyOrg, Roles.Township]);

    public static void RequireRead(CurrentUser u, string what)
    {
        if (!MayRead(u)) throw new ForbiddenException($"您的角色不能查看{what}。");
    }

    /// <summary>The name recorded as the doer: the account's display name, else its user name.</summary>
    public static string Actor(CurrentUser u) => u.DisplayName.Length > 0 ? u.DisplayName : u.UserName;
}
