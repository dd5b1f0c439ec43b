using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

/// <summary>
/// Raw GPS positions are kept only as long as the policy says (SECURITY.md, Privacy): a check-in's latitude and
/// longitude are cleared once its day is older than <see cref="ManageOptions.PositionRetentionDays"/>. What was
/// judged from them stays — on post or not, the distance in whole metres, the flags, the payload hash that answers a
/// resend — so on-post days, reviews already done and idempotency are unchanged. A flagged check-in not yet reviewed
/// keeps its position until an office has reviewed it: the review needs it.
/// </summary>
/// <remarks>
/// Run every day by the web application (<c>PositionRetentionWorker</c>) and on demand with
/// <c>grassroots checkins purge-positions</c>. One statement per business day, each committed on its own, so a
/// national backlog never holds one long transaction; a run that stops half-way is simply continued by the next. Each
/// run that clears anything writes one audit row with the count and the cutoff.
/// </remarks>
public sealed class PositionRetention(GrassrootsDb db, CurrentUser user, TimeProvider clock, IOptions<ManageOptions> options)
{
    public const string PurgeEvent = "checkin.positions.purge";

    /// <summary>The first business day whose positions are kept.</summary>
    public DateOnly Cutoff()
    {
        var days = options.Value.PositionRetentionDays;
        if (days < ManageOptions.MinimumPositionRetentionDays)
            throw new ValidationException("positionRetentionDays",
                $"签到原始坐标保存期限为 {days} 天，不得少于 {ManageOptions.MinimumPositionRetentionDays} 天（Grassroots:Manage:PositionRetentionDays）：可疑模式的判断和补传都要用到近期坐标。");
        return ChinaTime.Today(clock).AddDays(-days);
    }

    /// <summary>Clears the positions of check-ins before <see cref="Cutoff"/>; returns how many were cleared.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        if (user.Id is not null || user.ScopePath != "/") throw new ForbiddenException("签到原始坐标只能按保存期限由系统清理。");
        var cutoff = Cutoff();
        var days = await Pending(cutoff).Select(c => c.Date).Distinct().OrderBy(d => d).ToListAsync(ct);
        var cleared = 0;
        foreach (var day in days)
        {
            cleared += await Pending(cutoff).Where(c => c.Date == day)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Latitude, (double?)null).SetProperty(c => c.Longitude, (double?)null), ct);
        }
        if (cleared > 0)
        {
            db.AuditEntries.Add(new AuditEntry
            {
                AtUtc = clock.GetUtcNow().UtcDateTime,
                UserName = user.UserName,
                Event = PurgeEvent,
                ObjectType = nameof(CheckIn),
                Detail = $"按保存期限 {options.Value.PositionRetentionDays} 天清除 {cutoff:yyyy-MM-dd} 之前 {cleared} 条签到的原始坐标（待复核的可疑签到保留至复核）",
            });
            await db.SaveChangesAsync(ct);
        }
        return cleared;
    }

    IQueryable<CheckIn> Pending(DateOnly cutoff) =>
        db.CheckIns.IgnoreQueryFilters()
            .Where(c => c.Date < cutoff && (c.Latitude != null || c.Longitude != null))
            .Where(c => c.Flags == CheckInFlags.None || c.ReviewedAtUtc != null);
}
