using Grassroots.Manage;
using Grassroots.Security;

namespace Grassroots.Tests.Manage;

/// <summary>The leave routing table (S-MNG-2, S-MNG-4) and the monthly on-post days, as worked examples.</summary>
public sealed class LeavePolicyTests
{
    static readonly ManageOptions Defaults = new();

    [Theory]
    [InlineData(1, false, ApprovalLevel.Township)]
    [InlineData(3, false, ApprovalLevel.Township)]
    [InlineData(4, false, ApprovalLevel.CountyOffice)]
    [InlineData(7, false, ApprovalLevel.CountyOffice)]
    [InlineData(8, false, ApprovalLevel.CountyOrg)]
    [InlineData(30, false, ApprovalLevel.CountyOrg)]
    [InlineData(1, true, ApprovalLevel.CountyOrg)]
    [InlineData(5, true, ApprovalLevel.CountyOrg)]
    public void Route_ByLengthAndKeyPeriod(int days, bool keyPeriod, ApprovalLevel expected) =>
        Assert.Equal(expected, LeavePolicy.Route(days, keyPeriod, Defaults));

    [Theory]
    [InlineData(2, ApprovalLevel.Township)]
    [InlineData(3, ApprovalLevel.CountyOffice)]
    [InlineData(5, ApprovalLevel.CountyOffice)]
    [InlineData(6, ApprovalLevel.CountyOrg)]
    public void Route_FollowsConfiguredThresholds(int days, ApprovalLevel expected) =>
        Assert.Equal(expected, LeavePolicy.Route(days, false, new ManageOptions { TownshipMaxDays = 2, CountyOfficeMaxDays = 5 }));

    [Theory]
    [InlineData(Roles.Township, ApprovalLevel.Township, true)]
    [InlineData(Roles.Township, ApprovalLevel.CountyOffice, false)]
    [InlineData(Roles.Township, ApprovalLevel.CountyOrg, false)]
    [InlineData(Roles.CountyOrg, ApprovalLevel.Township, false)]
    [InlineData(Roles.CountyOrg, ApprovalLevel.CountyOffice, true)]
    [InlineData(Roles.CountyOrg, ApprovalLevel.CountyOrg, true)]
    [InlineData(Roles.PrefectureOrg, ApprovalLevel.CountyOrg, false)]
    [InlineData(Roles.Cadre, ApprovalLevel.Township, false)]
    public void MayDecide_OnlyTheRoutedLevel(string role, ApprovalLevel level, bool may) =>
        Assert.Equal(may, LeavePolicy.MayDecide(new HashSet<string> { role }, level));

    [Theory]
    [InlineData("2026-11-01", "2026-11-01", 1)]
    [InlineData("2026-11-28", "2026-12-03", 6)]
    [InlineData("2026-12-30", "2027-01-02", 4)]
    public void Days_CountBothEnds_AcrossMonthsAndYears(string start, string end, int days) =>
        Assert.Equal(days, LeavePolicy.Days(D(start), D(end)));

    static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    static IEnumerable<DateOnly> Range(string from, string to)
    {
        for (var d = D(from); d <= D(to); d = d.AddDays(1)) yield return d;
    }

    static readonly DateOnly PostingStart = new(2026, 3, 1);
    static readonly DateOnly PostingEnd = new(2028, 2, 29);

    [Fact]
    public void OnPostDays_FullMonth_CountsDaysWithAnOnPostCheckIn_AgainstTwenty()
    {
        var m = OnPostDays.Compute(2026, 11, PostingStart, PostingEnd, D("2026-12-05"), Range("2026-11-01", "2026-11-21"), [], 20);
        Assert.Equal((30, 30, 21, 0, 9, 20, true, true), (m.PostingDays, m.ElapsedDays, m.OnPostDays, m.LeaveDays, m.AbsentDays, m.Required, m.Complete, m.Met));
    }

    [Fact]
    public void OnPostDays_CheckInsOfTheNeighbouringMonths_DoNotCount()
    {
        // 31 Oct and 1 Dec (China dates) fall outside November.
        var dates = new[] { D("2026-10-31"), D("2026-11-01"), D("2026-11-30"), D("2026-12-01") };
        var m = OnPostDays.Compute(2026, 11, PostingStart, PostingEnd, D("2026-12-05"), dates, [], 20);
        Assert.Equal(2, m.OnPostDays);
        Assert.False(m.Met);
    }

    [Fact]
    public void OnPostDays_LeaveAcrossTheMonthEnd_IsSplitBetweenTheMonths()
    {
        (DateOnly, DateOnly)[] leave = [(D("2026-11-28"), D("2026-12-03"))];
        var nov = OnPostDays.Compute(2026, 11, PostingStart, PostingEnd, D("2026-12-10"), Range("2026-11-01", "2026-11-20"), leave, 20);
        var dec = OnPostDays.Compute(2026, 12, PostingStart, PostingEnd, D("2026-12-10"), Range("2026-12-04", "2026-12-10"), leave, 20);
        Assert.Equal((20, 3, 7), (nov.OnPostDays, nov.LeaveDays, nov.AbsentDays));
        Assert.Equal((7, 3, 0, 10), (dec.OnPostDays, dec.LeaveDays, dec.AbsentDays, dec.ElapsedDays));
        Assert.False(dec.Complete);
        Assert.True(dec.Reachable);
    }

    [Fact]
    public void OnPostDays_ADayOfLeaveWithAnOnPostCheckIn_CountsOnPost()
    {
        var m = OnPostDays.Compute(2026, 11, PostingStart, PostingEnd, D("2026-12-01"), [D("2026-11-10")], [(D("2026-11-10"), D("2026-11-11"))], 20);
        Assert.Equal((1, 1), (m.OnPostDays, m.LeaveDays));
    }

    [Fact]
    public void OnPostDays_PostingStartingMidMonth_ProratesTheMinimum()
    {
        // Posted from 16 November: 15 of 30 days → 10 required.
        var m = OnPostDays.Compute(2026, 11, D("2026-11-16"), PostingEnd, D("2026-12-01"), Range("2026-11-10", "2026-11-25"), [], 20);
        Assert.Equal((15, 10, 10, true), (m.PostingDays, m.OnPostDays, m.Required, m.Met));
    }

    [Fact]
    public void OnPostDays_PostingEndingMidMonth_ProratesAndRounds()
    {
        // February 2028 has 29 days; posted until the 10th: 20 × 10 / 29 = 6.9 → 7.
        var m = OnPostDays.Compute(2028, 2, PostingStart, D("2028-02-10"), D("2028-03-01"), Range("2028-02-01", "2028-02-06"), [], 20);
        Assert.Equal((10, 6, 7, false, true), (m.PostingDays, m.OnPostDays, m.Required, m.Met, m.Complete));
    }

    [Fact]
    public void OnPostDays_CurrentMonth_CountsOnlyUpToToday()
    {
        var m = OnPostDays.Compute(2026, 11, PostingStart, PostingEnd, D("2026-11-12"), Range("2026-11-01", "2026-11-10"), [], 20);
        Assert.Equal((12, 10, 2, false), (m.ElapsedDays, m.OnPostDays, m.AbsentDays, m.Complete));
        Assert.True(m.Reachable);
        var behind = OnPostDays.Compute(2026, 11, PostingStart, PostingEnd, D("2026-11-25"), Range("2026-11-01", "2026-11-10"), [], 20);
        Assert.False(behind.Reachable);
    }

    [Fact]
    public void OnPostDays_MonthOutsideThePosting_RequiresNothing()
    {
        var m = OnPostDays.Compute(2026, 2, PostingStart, PostingEnd, D("2026-11-01"), [], [], 20);
        Assert.Equal((0, 0, 0, true), (m.PostingDays, m.ElapsedDays, m.Required, m.Met));
    }

    [Fact]
    public void TakenRange_EarlyReturnShortensLeave_LateReturnDoesNotLengthenIt()
    {
        static LeaveRequest Leave(LeaveStatus status, string? back) => new()
        {
            RegionPath = "/", Reason = "x", StartDate = D("2026-11-10"), EndDate = D("2026-11-14"), Status = status,
            ReturnedOn = back is null ? null : D(back),
        };
        Assert.Equal((D("2026-11-10"), D("2026-11-14")), Leave(LeaveStatus.Approved, null).TakenRange);
        Assert.Equal((D("2026-11-10"), D("2026-11-11")), Leave(LeaveStatus.Returned, "2026-11-12").TakenRange);
        Assert.Equal((D("2026-11-10"), D("2026-11-14")), Leave(LeaveStatus.Returned, "2026-11-18").TakenRange);
        Assert.Null(Leave(LeaveStatus.Returned, "2026-11-10").TakenRange);
        Assert.Null(Leave(LeaveStatus.Pending, null).TakenRange);
        Assert.True(Leave(LeaveStatus.Approved, null).IsOverdue(D("2026-11-15")));
        Assert.False(Leave(LeaveStatus.Approved, null).IsOverdue(D("2026-11-14")));
        Assert.False(Leave(LeaveStatus.Returned, "2026-11-18").IsOverdue(D("2026-11-20")));
    }
}
