using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Manage;

/// <summary>
/// Supervision figures of a period in the user's scope (S-MNG-3/5/6/8; S-RPT-1: each figure is a count of records the
/// pages list with the same filters, so every number opens the records behind it).
/// </summary>
public sealed record OversightSummary(
    DateOnly From, DateOnly To,
    int RequestsOpen, int RequestsTodo, int RequestsInPeriod,
    int InspectionsDone, int InspectionsPlanned, int CadresInspected, int CadresOffPost, int EarlySigns, int Trends,
    int FollowUpsOpen, int FollowUpsOverdue, int FollowUpsClosed,
    int DispatchChecks, int DispatchUnanswered, int DispatchOffPost, int FieldVisits, int RollCalls,
    decimal CareBudget, decimal CareSpent, int CareFunds, int CareOverspent);

public sealed class OversightSummaryService(GrassrootsDb db, CurrentUser user, TimeProvider clock, CadreRequestService requests, CareService care)
{
    /// <summary>The figures from <paramref name="from"/> to <paramref name="to"/> (China dates; default: this year to today).</summary>
    public async Task<OversightSummary> SummaryAsync(DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "督查情况");
        var today = ChinaTime.Today(clock);
        var f = from ?? new DateOnly(today.Year, 1, 1);
        var t = to ?? today;
        if (t < f) throw new ValidationException("to", "结束日期不能早于开始日期。");
        var fu = new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).UtcDateTime;
        var tu = new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).UtcDateTime;

        var inspections = db.Inspections.AsNoTracking();
        var done = inspections.Where(i => i.Status == InspectionStatus.Done && i.Date >= f && i.Date <= t);
        var doneIds = done.Select(i => i.Id);
        var cadres = db.InspectedCadres.AsNoTracking().Where(c => doneIds.Contains(c.InspectionId));
        var findings = db.InspectionFindings.AsNoTracking().Where(x => doneIds.Contains(x.InspectionId));
        var followUps = db.FollowUps.AsNoTracking();
        var checks = db.DispatchChecks.AsNoTracking().Where(c => c.AtUtc >= fu && c.AtUtc < tu);
        var (budget, spent, funds, overspent) = await care.TotalsAsync(ct);
        return new OversightSummary(f, t,
            await db.CadreRequests.CountAsync(r => r.Status == RequestStatus.Open, ct),
            await requests.TodoCountAsync(ct),
            await db.CadreRequests.CountAsync(r => r.AskedAtUtc >= fu && r.AskedAtUtc < tu, ct),
            await done.CountAsync(ct),
            await inspections.CountAsync(i => i.Status == InspectionStatus.Planned, ct),
            await cadres.CountAsync(ct),
            await cadres.CountAsync(c => !c.OnPost, ct),
            await findings.CountAsync(x => x.Weight == FindingWeight.EarlySign, ct),
            await findings.CountAsync(x => x.Weight == FindingWeight.Trend, ct),
            await followUps.CountAsync(x => x.Status == FollowUpStatus.Open, ct),
            await followUps.CountAsync(x => x.Status == FollowUpStatus.Open && x.Deadline < today, ct),
            await followUps.CountAsync(x => x.Status == FollowUpStatus.Closed, ct),
            await checks.CountAsync(ct),
            await checks.CountAsync(c => !c.Answered, ct),
            await checks.CountAsync(c => c.Answered && c.OnPost == false, ct),
            await db.FieldVisits.CountAsync(v => v.Date >= f && v.Date <= t, ct),
            await db.RollCalls.CountAsync(r => r.StartedAtUtc >= fu && r.StartedAtUtc < tu, ct),
            budget, spent, funds, overspent);
    }
}
