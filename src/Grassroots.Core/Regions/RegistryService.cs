using Grassroots.Common;
using Grassroots.Data;
using Grassroots.People;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Regions;

public sealed record RegionDto(string Code, string Name, string Level, string LevelName, string? ParentCode, string Path, int PeopleCount, IReadOnlyList<RegionChildDto> Children);

public sealed record RegionChildDto(string Code, string Name, string Level, string LevelName, int ChildCount);

public sealed record VillageDto(Guid Id, string Code, string Name, string TownshipCode, string TownshipName, double Latitude, double Longitude, int Households, int Population, int Altitude, IReadOnlyList<string> Tags, string TagNames, string? PrimaryTag, bool NeedsLocalLanguage);

public sealed record CommunityDto(Guid Id, string Code, string Name, string TownshipCode, string TownshipName, int Households, int WorkerCount);

public sealed record UnitDto(Guid Id, string Name, string Level, string LevelName, string Sector, bool IsDispatching, string RegionCode, string RegionName, int PeopleCount);

/// <summary>The administrative tree, villages, communities and units, all inside the user's scope.</summary>
public sealed class RegistryService(GrassrootsDb db, CurrentUser user)
{
    static readonly string[] VillageSorts = ["code", "name", "-households", "households"];

    /// <summary>A node and its children. Outside the user's scope (neither inside nor an ancestor of it) is 404.</summary>
    public async Task<RegionDto> GetRegionAsync(string code, CancellationToken ct)
    {
        RequireScope();
        if (!RegionCode.TryParse(code, out _, out var err)) throw new ValidationException("code", err!);
        var region = RegionCatalog.Embedded.Find(code.Trim()) ?? throw new NotFoundException("该区划");
        var inside = region.Path.StartsWith(user.ScopePath, StringComparison.Ordinal);
        var ancestor = user.ScopePath.StartsWith(region.Path, StringComparison.Ordinal);
        if (!inside && !ancestor) throw new NotFoundException("该区划");
        var path = region.Path;
        var count = await db.People.CountAsync(p => p.RegionPath.StartsWith(path), ct);
        var children = RegionCatalog.Embedded.ChildrenOf(region.Code.Value)
            .Where(c => c.Path.StartsWith(user.ScopePath, StringComparison.Ordinal) || user.ScopePath.StartsWith(c.Path, StringComparison.Ordinal))
            .Select(c => new RegionChildDto(c.Code.Value, c.Name, c.Level.ToString(), Region.LevelName(c.Level), RegionCatalog.Embedded.ChildrenOf(c.Code.Value).Count))
            .ToList();
        return new RegionDto(region.Code.Value, region.Name, region.Level.ToString(), Region.LevelName(region.Level), region.ParentCode?.Value, region.Path, count, children);
    }

    /// <summary>The root of the user's scope in the tree.</summary>
    public Region? ScopeRoot() => user.ScopeCode is { } c ? RegionCatalog.Embedded.Find(c) : null;

    public async Task<PagedResult<VillageDto>> ListVillagesAsync(string? q, string? region, string? tag, string? sort, int? page, int? pageSize, CancellationToken ct)
    {
        RequireScope();
        var errors = new ValidationErrors();
        var query = db.Villages.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q)) { var t = q.Trim(); query = query.Where(v => v.Name.Contains(t)); }
        query = FilterRegion(query, region, errors, v => v.RegionPath);
        if (!string.IsNullOrWhiteSpace(tag))
        {
            var found = VillageTagNames.All.FirstOrDefault(x => x.Key == tag.Trim() || x.Name == tag.Trim());
            if (found.Key is null) errors.Add("tag", $"村情标签“{tag}”无效，可选：{string.Join("、", VillageTagNames.All.Select(x => x.Key))}。");
            else query = query.Where(v => (v.Tags & found.Tag) != 0);
        }
        var s = string.IsNullOrWhiteSpace(sort) ? "code" : sort.Trim();
        if (!VillageSorts.Contains(s)) errors.Add("sort", $"排序字段无效，可选：{string.Join("、", VillageSorts)}。");
        errors.ThrowIfAny();
        query = s switch
        {
            "name" => query.OrderBy(v => v.Name),
            "households" => query.OrderBy(v => v.Households).ThenBy(v => v.Code),
            "-households" => query.OrderByDescending(v => v.Households).ThenBy(v => v.Code),
            _ => query.OrderBy(v => v.Code),
        };
        var (p, size) = Paging.Normalise(page, pageSize);
        var total = await query.CountAsync(ct);
        var rows = await query.Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new(rows.Select(ToDto).ToList(), total, p, size);
    }

    public async Task<VillageDto> GetVillageAsync(Guid id, CancellationToken ct)
    {
        RequireScope();
        var v = await db.Villages.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("该村");
        return ToDto(v);
    }

    public async Task<PagedResult<CommunityDto>> ListCommunitiesAsync(string? q, string? region, int? page, int? pageSize, CancellationToken ct)
    {
        RequireScope();
        var errors = new ValidationErrors();
        var query = db.Communities.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q)) { var t = q.Trim(); query = query.Where(v => v.Name.Contains(t)); }
        query = FilterRegion(query, region, errors, v => v.RegionPath);
        errors.ThrowIfAny();
        var (p, size) = Paging.Normalise(page, pageSize);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(c => c.Code)
            .Select(c => new { c, Workers = db.People.Count(x => x.CommunityId == c.Id) })
            .Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new(rows.Select(r => new CommunityDto(r.c.Id, r.c.Code.Value, r.c.Name, r.c.TownshipCode.Value, NameOf(r.c.TownshipCode.Value), r.c.Households, r.Workers)).ToList(), total, p, size);
    }

    public async Task<PagedResult<UnitDto>> ListUnitsAsync(string? q, string? region, int? page, int? pageSize, CancellationToken ct)
    {
        RequireScope();
        var errors = new ValidationErrors();
        var query = db.Units.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q)) { var t = q.Trim(); query = query.Where(v => v.Name.Contains(t) || v.Sector.Contains(t)); }
        query = FilterRegion(query, region, errors, v => v.RegionPath);
        errors.ThrowIfAny();
        var (p, size) = Paging.Normalise(page, pageSize);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(u => u.Level).ThenBy(u => u.RegionPath).ThenBy(u => u.Name)
            .Select(u => new { u, Count = db.People.Count(x => x.UnitId == u.Id) })
            .Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new(rows.Select(r => new UnitDto(r.u.Id, r.u.Name, r.u.Level.ToString(), Unit.LevelName(r.u.Level), r.u.Sector, r.u.IsDispatching, r.u.RegionCode.Value, PersonMapping.RegionName(r.u.RegionCode), r.Count)).ToList(), total, p, size);
    }

    /// <summary>Units in scope for pick lists.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> UnitChoicesAsync(CancellationToken ct) =>
        (await db.Units.AsNoTracking().OrderBy(u => u.Level).ThenBy(u => u.RegionPath).ThenBy(u => u.Name).Select(u => new { u.Id, u.Name }).ToListAsync(ct))
        .Select(u => (u.Id, u.Name)).ToList();

    public async Task<IReadOnlyList<(Guid Id, string Name)>> CommunityChoicesAsync(CancellationToken ct) =>
        (await db.Communities.AsNoTracking().OrderBy(u => u.Code).Select(u => new { u.Id, u.Name }).ToListAsync(ct))
        .Select(u => (u.Id, u.Name)).ToList();

    static IQueryable<T> FilterRegion<T>(IQueryable<T> query, string? region, ValidationErrors errors, System.Linq.Expressions.Expression<Func<T, string>> pathOf)
    {
        if (string.IsNullOrWhiteSpace(region)) return query;
        if (!RegionCode.TryParse(region, out var code, out var err)) { errors.Add("region", err!); return query; }
        if (RegionCatalog.Embedded.Find(code.Value.Value) is not { } r) { errors.Add("region", $"区划代码“{code}”不存在。"); return query; }
        var prefix = r.Path;
        var param = pathOf.Parameters[0];
        var body = System.Linq.Expressions.Expression.Call(pathOf.Body, typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!, System.Linq.Expressions.Expression.Constant(prefix));
        return query.Where(System.Linq.Expressions.Expression.Lambda<Func<T, bool>>(body, param));
    }

    static string NameOf(string code) => RegionCatalog.Embedded.Find(code)?.Name ?? code;

    static VillageDto ToDto(Village v) => new(v.Id, v.Code.Value, v.Name, v.TownshipCode.Value, NameOf(v.TownshipCode.Value), v.Latitude, v.Longitude, v.Households, v.Population, v.Altitude,
        VillageTagNames.All.Where(t => v.Tags.HasFlag(t.Tag)).Select(t => t.Key).ToList(), VillageTagNames.Describe(v.Tags),
        VillageTagNames.All.Where(t => t.Tag == v.PrimaryTag).Select(t => t.Key).FirstOrDefault(), v.NeedsLocalLanguage);

    void RequireScope()
    {
        if (!user.HasScope) throw new ForbiddenException("您的角色不能查看业务数据。");
    }
}
