using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Audit;

public sealed record AuditQuery(string? User, string? Event, string? ObjectType, string? ObjectId, DateOnly? From, DateOnly? To, int? Page, int? PageSize);

public sealed record AuditDto(Guid Id, DateTime AtUtc, string UserName, string Event, string EventName, string? ObjectType, string? ObjectId, string Result, string? ClientAddress, string? Before, string? After, string? Detail);

/// <summary>Search of the audit trail: for the audit administrator only.</summary>
public sealed class AuditService(GrassrootsDb db, CurrentUser user)
{
    public async Task<PagedResult<AuditDto>> SearchAsync(AuditQuery q, CancellationToken ct)
    {
        if (!user.IsInRole(Roles.AuditAdmin)) throw new ForbiddenException("只有审计管理员可以查询审计日志。");
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q.User)) { var u = q.User.Trim(); query = query.Where(a => a.UserName.Contains(u)); }
        if (!string.IsNullOrWhiteSpace(q.Event)) { var e = q.Event.Trim(); query = query.Where(a => a.Event == e); }
        if (!string.IsNullOrWhiteSpace(q.ObjectType)) { var t = q.ObjectType.Trim(); query = query.Where(a => a.ObjectType == t); }
        if (!string.IsNullOrWhiteSpace(q.ObjectId)) { var i = q.ObjectId.Trim(); query = query.Where(a => a.ObjectId == i); }
        if (q.From is { } from)
        {
            var f = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).UtcDateTime;
            query = query.Where(a => a.AtUtc >= f);
        }
        if (q.To is { } to)
        {
            var t = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).UtcDateTime;
            query = query.Where(a => a.AtUtc < t);
        }
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.AtUtc).ThenByDescending(a => a.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new(rows.Select(a => new AuditDto(a.Id, a.AtUtc, a.UserName, a.Event, AuditEvents.DisplayName(a.Event), a.ObjectType, a.ObjectId, a.Result, a.ClientAddress, a.Before, a.After, a.Detail)).ToList(), total, page, size);
    }
}
