using System.Text.Json;
using Grassroots.Dispatch;
using Grassroots.Manage;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Tests.Demo;

/// <summary>The demo's year of daily management and supervision (seeded with the rest of the data set by the same fixture).</summary>
public abstract partial class DemoSeederTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Year_HasTheArticlesDispatchChecksAndFieldVisits()
    {
        var (checks, visits) = await fixture.Services.WithSystemDbAsync(async db =>
            (await db.DispatchChecks.IgnoreQueryFilters().CountAsync(Ct), await db.FieldVisits.IgnoreQueryFilters().CountAsync(Ct)));
        TestContext.Current.TestOutputHelper?.WriteLine($"{checks} dispatch checks, {visits} field visits; year: {fixture.Year}");
        Assert.True(checks >= 2700, $"{checks} dispatch checks (the article: 2700余次)");
        Assert.True(visits >= 150, $"{visits} field visits (the article: 150余次)");
        Assert.Equal(fixture.Year!.DispatchChecks, checks);
    }

    [Fact]
    public async Task Year_CheckIns_AreAYearOfMostlyWeekdays_NoneOnLeave_SomeOffPostWithReasons_SomeFlagged()
    {
        var rows = await fixture.Services.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().AsNoTracking()
            .Select(c => new { c.PersonId, c.Date, c.OnPost, c.Reason, c.Flags, c.Late, c.ClientKey }).ToListAsync(Ct));
        Assert.InRange(rows.Count, 120_000, 220_000);
        var weekdays = rows.Count(r => r.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        Assert.True(weekdays > rows.Count * 0.8, $"{weekdays} of {rows.Count} on weekdays");
        Assert.Equal(616, rows.Select(r => r.PersonId).Distinct().Count());
        var offPost = rows.Where(r => !r.OnPost).ToList();
        Assert.InRange(offPost.Count, 200, rows.Count / 20);
        Assert.All(offPost, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.Contains(rows, r => r.Flags.HasFlag(CheckInFlags.PoorAccuracy));
        Assert.Contains(rows, r => r.Flags.HasFlag(CheckInFlags.RepeatedPosition));
        Assert.Contains(rows, r => r.Late);
        Assert.Equal(rows.Count, rows.Select(r => (r.PersonId, r.ClientKey)).Distinct().Count());

        var leave = await fixture.Services.WithSystemDbAsync(db => db.LeaveRequests.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct));
        var byPerson = rows.ToLookup(r => r.PersonId, r => r.Date);
        foreach (var l in leave.Where(l => l.TakenRange is not null))
        {
            var (from, to) = l.TakenRange!.Value;
            Assert.DoesNotContain(byPerson[l.PersonId], d => d >= from && d <= to);
        }
    }

    [Fact]
    public async Task Year_Leave_HasEveryKindAndLevel_ReturnsAndAFewOverdue()
    {
        var leave = await fixture.Services.WithSystemDbAsync(db => db.LeaveRequests.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct));
        Assert.All(Enum.GetValues<LeaveKind>(), k => Assert.Contains(leave, l => l.Kind == k));
        Assert.All(Enum.GetValues<ApprovalLevel>(), v => Assert.Contains(leave, l => l.Level == v));
        Assert.All(Enum.GetValues<LeaveStatus>(), s => Assert.Contains(leave, l => l.Status == s));
        Assert.Contains(leave, l => l.KeyPeriodName is not null && l.Level == ApprovalLevel.CountyOrg);
        Assert.All(leave, l => Assert.Equal(LeavePolicy.Route(l.Days, l.KeyPeriodName is not null, new ManageOptions()), l.Level));
        var overdue = leave.Count(l => l.IsOverdue(Today));
        Assert.InRange(overdue, 1, 30);
    }

    [Fact]
    public async Task Year_KeyPeriods_SpringFestivalAndNationalDay_NearlyEveryoneOnPost()
    {
        var periods = await fixture.Services.WithSystemDbAsync(db => db.KeyPeriods.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct));
        Assert.Equal(2, periods.Count);
        Assert.Contains(periods, p => p.Name.Contains("春节", StringComparison.Ordinal));
        Assert.Contains(periods, p => p.Name.Contains("国庆", StringComparison.Ordinal));
        var spring = periods.Single(p => p.Name.Contains("春节", StringComparison.Ordinal));
        var day = spring.StartDate.AddDays(2);
        var present = await fixture.Services.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().Where(c => c.Date == day && c.OnPost).Select(c => c.PersonId).Distinct().CountAsync(Ct));
        Assert.True(present > 616 * 0.9, $"{present} on post on {day}");
    }

    [Fact]
    public async Task Year_Inspections_AreDrawnReproduciblyInEveryCounty_WithFindingsAndFollowUps()
    {
        var (draws, inspections, findings, followUps) = await fixture.Services.WithSystemDbAsync(async db => (
            await db.InspectionDraws.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct),
            await db.Inspections.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct),
            await db.InspectionFindings.AsNoTracking().ToListAsync(Ct),
            await db.FollowUps.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct)));
        Assert.Equal(7, draws.Select(d => d.RegionCode.Value).Distinct().Count());
        foreach (var d in draws)
        {
            var inputs = JsonSerializer.Deserialize<DrawInputs>(d.Inputs)!;
            var picks = JsonSerializer.Deserialize<DrawResult>(d.Picks)!;
            var again = InspectionDrawing.Draw(inputs, d.Seed);
            Assert.Equal(picks.Teams.Select(t => t.VillageCode), again.Teams.Select(t => t.VillageCode));
            Assert.Equal(d.Count, inspections.Count(i => i.DrawId == d.Id));
        }
        Assert.Contains(inspections, i => i.Status == InspectionStatus.Done);
        Assert.Contains(findings, f => f.Weight == FindingWeight.EarlySign);
        Assert.Contains(findings, f => f.Weight == FindingWeight.Trend);
        Assert.Equal(findings.Count, followUps.Count);
        Assert.All(Enum.GetValues<FollowUpKind>(), k => Assert.Contains(followUps, f => f.Kind == k));
        Assert.Contains(followUps, f => f.IsOverdue(Today));
        Assert.Contains(followUps, f => f.Status == FollowUpStatus.Closed);
    }

    [Fact]
    public async Task Year_RollCalls_SomeAnsweredByCheckInsInTheWindow_SomeNot()
    {
        var (calls, targets, checkIns) = await fixture.Services.WithSystemDbAsync(async db => (
            await db.RollCalls.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct),
            await db.RollCallTargets.AsNoTracking().ToListAsync(Ct),
            await db.CheckIns.IgnoreQueryFilters().AsNoTracking().Where(c => c.ClientKey.Contains("-rc")).Select(c => new { c.PersonId, c.AtUtc }).ToListAsync(Ct)));
        Assert.InRange(calls.Count, 40, 120);
        var answered = targets.Count(t => checkIns.Any(c => c.PersonId == t.PersonId && calls.Any(r => r.Id == t.RollCallId && c.AtUtc >= r.StartedAtUtc && c.AtUtc <= r.DeadlineUtc)));
        Assert.InRange(answered, targets.Count / 2, targets.Count - 1);
    }

    [Fact]
    public async Task Year_Requests_AndCareLedgers_AreConsistent()
    {
        var (requests, events, funds, entries) = await fixture.Services.WithSystemDbAsync(async db => (
            await db.CadreRequests.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct),
            await db.RequestEvents.AsNoTracking().ToListAsync(Ct),
            await db.CareFunds.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct),
            await db.CareEntries.IgnoreQueryFilters().AsNoTracking().ToListAsync(Ct)));
        Assert.InRange(requests.Count, 250, 700);
        Assert.All(Enum.GetValues<RequestStatus>(), s => Assert.Contains(requests, r => r.Status == s));
        Assert.All(requests, r => Assert.Equal((int)r.Status, events.Count(e => e.RequestId == r.Id)));

        Assert.Equal(2 * 145, funds.Count);
        var byFund = entries.ToLookup(e => e.FundId);
        foreach (var f in funds)
        {
            Assert.Equal(byFund[f.Id].Sum(e => e.Amount), f.Spent);
            var balance = f.Budget;
            Assert.Equal(Enumerable.Range(1, byFund[f.Id].Count()), byFund[f.Id].Select(e => e.Number).Order());
            Assert.Equal(byFund[f.Id].Count(), f.Entries);
            foreach (var e in byFund[f.Id].OrderBy(e => e.Number))
            {
                balance -= e.Amount;
                Assert.Equal(balance, e.BalanceAfter);
                Assert.Equal(e.Amount, decimal.Round(e.Amount, 2));
                if (balance < 0) Assert.False(string.IsNullOrWhiteSpace(e.OverspendReason));
                else Assert.Null(e.OverspendReason);
            }
        }
        Assert.InRange(funds.Count(f => f.Spent > f.Budget), 1, 10);
    }

    [Fact]
    public async Task Year_DispatchChecks_FollowTheCheckIns()
    {
        var ct = Ct;
        var rows = await fixture.Services.WithSystemDbAsync(db => db.DispatchChecks.IgnoreQueryFilters().AsNoTracking().ToListAsync(ct));
        Assert.All(rows, r => Assert.Equal(r.Answered, r.OnPost is not null));
        Assert.Contains(rows, r => !r.Answered);
        Assert.Contains(rows, r => r.OnPost == false);
        Assert.True(rows.Count(r => r.OnPost == true) > rows.Count / 2);
        var postings = await fixture.Services.WithSystemDbAsync(db => db.Postings.IgnoreQueryFilters().AsNoTracking().Where(p => p.Status == PostingStatus.Active).ToListAsync(ct));
        var team = postings.ToLookup(p => p.VillageId, p => p.PersonId);
        Assert.All(rows.Where(r => r.PersonId is not null), r => Assert.Contains(r.PersonId!.Value, team[r.VillageId]));
    }
}
