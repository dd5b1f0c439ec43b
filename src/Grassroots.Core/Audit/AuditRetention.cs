using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Audit;

/// <summary>Audit settings (section <c>Grassroots:Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string Section = "Grassroots:Audit";

    /// <summary>Calendar months the trail is kept; at least 6 (MLPS 2.0). The default keeps three years.</summary>
    public int RetentionMonths { get; set; } = 36;
}

/// <summary>
/// The retention of the audit trail: the only removal of audit rows, run by an operator with
/// <c>grassroots audit purge</c>, never by the web application. Rows older than the retention period (whole
/// calendar months back from today in China time) are deleted and the purge itself is recorded.
/// </summary>
public sealed class AuditRetention(GrassrootsDb db, CurrentUser user, TimeProvider clock, IOptions<AuditOptions> options)
{
    public const int MinimumMonths = 6;

    /// <summary>The first instant kept (UTC): 00:00 China time on today's date <c>RetentionMonths</c> months ago.</summary>
    public DateTime CutoffUtc()
    {
        var months = options.Value.RetentionMonths;
        if (months < MinimumMonths)
            throw new ValidationException("retentionMonths", $"审计日志保存期限为 {months} 个月，不得少于 {MinimumMonths} 个月（Grassroots:Audit:RetentionMonths）。");
        var day = ChinaTime.Today(clock).AddMonths(-months);
        return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).UtcDateTime;
    }

    /// <summary>Deletes the rows before <see cref="CutoffUtc"/> and writes one row saying so; returns the count.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        if (user.Id is not null || user.ScopePath != "/") throw new ForbiddenException("审计日志只能由运维人员用命令行按保存期限清理。");
        var cutoff = CutoffUtc();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.AuditEntries.Where(a => a.AtUtc < cutoff).ExecuteDeleteAsync(ct);
        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserName = user.UserName,
            Event = AuditEvents.Purge,
            ObjectType = nameof(AuditEntry),
            Detail = $"按保存期限 {options.Value.RetentionMonths} 个月清理 {ChinaTime.ToChina(cutoff):yyyy-MM-dd HH:mm} 之前的审计日志 {deleted} 条",
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return deleted;
    }
}
