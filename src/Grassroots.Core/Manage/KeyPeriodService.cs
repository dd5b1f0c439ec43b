using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Manage;

public sealed record KeyPeriodInput(string? Name, DateOnly? StartDate, DateOnly? EndDate, string? Note = null, Guid? Version = null);

public sealed record KeyPeriodDto(Guid Id, string Name, DateOnly StartDate, DateOnly EndDate, string? Note, string RegionCode, string RegionName, bool CanEdit, Guid Version);

/// <summary>
/// Key periods (重要时间节点, S-MNG-4). The county organisation department sets them for its county, the prefecture for
/// the whole prefecture; a period applies to every village under its node. Everyone in management sees the periods
/// that apply to their scope (their own and those set above them).
/// </summary>
public sealed class KeyPeriodService(GrassrootsDb db, CurrentUser user, TimeProvider clock)
{
    void RequireOffice()
    {
        if (!user.HasScope || !user.Roles.Overlaps(Roles.ManageStaff)) throw new ForbiddenException("您的角色不能查看重要时间节点。");
    }

    bool MayEdit => user.IsInRole(Roles.CountyOrg) || user.IsInRole(Roles.PrefectureOrg);

    void RequireEditor()
    {
        RequireOffice();
        if (!MayEdit) throw new ForbiddenException("重要时间节点由县委组织部或地委组织部设置。");
    }

    /// <summary>The key periods that apply to a village (its path) and overlap the dates, earliest first.</summary>
    public async Task<IReadOnlyList<KeyPeriod>> ApplyingAsync(string villagePath, DateOnly start, DateOnly end, CancellationToken ct)
    {
        var nodes = Ancestors(villagePath);
        return await db.KeyPeriods.IgnoreQueryFilters().AsNoTracking()
            .Where(k => nodes.Contains(k.RegionPath) && k.StartDate <= end && k.EndDate >= start)
            .OrderBy(k => k.StartDate).ToListAsync(ct);
    }

    /// <summary>Periods that apply to the user's scope: set inside it or above it. From <paramref name="from"/> on when given.</summary>
    public async Task<IReadOnlyList<KeyPeriodDto>> ListAsync(DateOnly? from, CancellationToken ct)
    {
        RequireOffice();
        var scope = user.ScopePath;
        var above = Ancestors(scope);
        var query = db.KeyPeriods.IgnoreQueryFilters().AsNoTracking().Where(k => k.RegionPath.StartsWith(scope) || above.Contains(k.RegionPath));
        if (from is { } f) query = query.Where(k => k.EndDate >= f);
        var rows = await query.OrderBy(k => k.StartDate).ThenBy(k => k.Name).ToListAsync(ct);
        return [.. rows.Select(ToDto)];
    }

    public async Task<KeyPeriodDto> CreateAsync(KeyPeriodInput input, CancellationToken ct)
    {
        RequireEditor();
        var (name, start, end, note) = Validate(input);
        var region = RegionCatalog.Embedded.Find(user.ScopeCode!) ?? throw new ForbiddenException("账号的数据范围无效。");
        var period = new KeyPeriod
        {
            Name = name, StartDate = start, EndDate = end, Note = note,
            RegionCode = region.Code, RegionPath = region.Path,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime, CreatedBy = user.DisplayName.Length > 0 ? user.DisplayName : user.UserName,
        };
        db.KeyPeriods.Add(period);
        await db.SaveChangesAsync(ct);
        return ToDto(period);
    }

    public async Task<KeyPeriodDto> UpdateAsync(Guid id, KeyPeriodInput input, CancellationToken ct)
    {
        RequireEditor();
        var period = await db.KeyPeriods.FirstOrDefaultAsync(k => k.Id == id, ct) ?? throw new NotFoundException("该重要时间节点");
        if (input.Version is { } v && v != period.Version) throw new DomainRuleException("该重要时间节点已被他人修改，请刷新后重试。");
        var (name, start, end, note) = Validate(input);
        period.Name = name;
        period.StartDate = start;
        period.EndDate = end;
        period.Note = note;
        period.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return ToDto(period);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        RequireEditor();
        var period = await db.KeyPeriods.FirstOrDefaultAsync(k => k.Id == id, ct) ?? throw new NotFoundException("该重要时间节点");
        db.KeyPeriods.Remove(period);
        await db.SaveChangesAsync(ct);
    }

    static (string Name, DateOnly Start, DateOnly End, string? Note) Validate(KeyPeriodInput input)
    {
        var errors = new ValidationErrors();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors.Add("name", "请填写名称，如“国庆假期”。");
        else if (name.Length > 50) errors.Add("name", "名称不能超过 50 个字。");
        if (input.StartDate is null) errors.Add("startDate", "请填写开始日期。");
        if (input.EndDate is null) errors.Add("endDate", "请填写结束日期。");
        if (input.StartDate is { } s && input.EndDate is { } e)
        {
            if (e < s) errors.Add("endDate", "结束日期不能早于开始日期。");
            else if (LeavePolicy.Days(s, e) > 366) errors.Add("endDate", "一个重要时间节点不能超过一年。");
        }
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note is { Length: > 200 }) errors.Add("note", "说明不能超过 200 个字。");
        errors.ThrowIfAny();
        return (name!, input.StartDate!.Value, input.EndDate!.Value, note);
    }

    KeyPeriodDto ToDto(KeyPeriod k) => new(k.Id, k.Name, k.StartDate, k.EndDate, k.Note, k.RegionCode.Value,
        RegionCatalog.Embedded.Find(k.RegionCode.Value)?.Name ?? k.RegionCode.Value,
        MayEdit && user.HasScope && k.RegionPath.StartsWith(user.ScopePath, StringComparison.Ordinal), k.Version);

    /// <summary>A path and every path above it: <c>/54/5425/542521/</c> → <c>/54/</c>, <c>/54/5425/</c>, <c>/54/5425/542521/</c>.</summary>
    internal static List<string> Ancestors(string path)
    {
        var result = new List<string>();
        for (var i = path.IndexOf('/', 1); i >= 0; i = path.IndexOf('/', i + 1)) result.Add(path[..(i + 1)]);
        return result;
    }
}
