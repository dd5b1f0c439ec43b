using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Manage;

/// <summary>A stationed cadre's own posting as the cadre sees it: the village, the role and the team.</summary>
public sealed record MyPost(
    Guid PersonId, string Name, Guid PostingId, PostingRole Role, DateOnly StartDate, DateOnly EndDate,
    Guid VillageId, string VillageCode, string VillageName, string PlaceName, string RegionPath, double Latitude, double Longitude,
    IReadOnlyList<TeamMember> Team)
{
    public string RoleName => Posting.RoleName(Role);
}

public sealed record TeamMember(string Name, PostingRole Role)
{
    public string RoleName => Posting.RoleName(Role);
}

/// <summary>
/// Who the signed-in stationed cadre is and where they serve. A cadre's account has no region scope (it sees no
/// registry); everything it may see is reached from its own person record: itself and its team (S-MNG-7).
/// </summary>
public sealed class CadreService(GrassrootsDb db, CurrentUser user)
{
    /// <summary>The cadre's person id; 403 for any other account, 422 for a cadre account without a person.</summary>
    public Guid RequirePersonId() => RequirePersonId(user);

    /// <summary>The cadre's person id; 403 for any other account, 422 for a cadre account without a person.</summary>
    public static Guid RequirePersonId(CurrentUser user)
    {
        if (!user.IsInRole(Roles.Cadre)) throw new ForbiddenException(CheckInBatchWriter.NotACadreMessage);
        return user.PersonId ?? throw new DomainRuleException(CheckInBatchWriter.NoPersonMessage, conflict: false);
    }

    /// <summary>The active posting, or null when the cadre is not stationed now.</summary>
    public async Task<MyPost?> FindPostAsync(CancellationToken ct)
    {
        var personId = RequirePersonId();
        var post = await db.Postings.IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.PersonId == personId && p.Status == PostingStatus.Active)
            .OrderByDescending(p => p.StartDate)
            .Select(p => new
            {
                p.Id, p.Role, p.StartDate, p.EndDate, p.VillageId, p.RegionPath, PersonName = p.Person!.Name,
                VillageCode = p.Village!.Code, VillageName = p.Village.Name, p.Village.Latitude, p.Village.Longitude,
            })
            .FirstOrDefaultAsync(ct);
        if (post is null) return null;
        var team = await db.Postings.IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.VillageId == post.VillageId && p.Status == PostingStatus.Active)
            .OrderBy(p => p.Role).ThenBy(p => p.Person!.NameSortKey)
            .Select(p => new TeamMember(p.Person!.Name, p.Role))
            .ToListAsync(ct);
        var village = RegionCatalog.Embedded.Find(post.VillageCode.Value);
        var place = PlaceName(post.RegionPath);
        return new MyPost(personId, post.PersonName, post.Id, post.Role, post.StartDate, post.EndDate, post.VillageId, post.VillageCode.Value,
            village?.Name ?? post.VillageName, place, post.RegionPath, post.Latitude, post.Longitude, team);
    }

    /// <summary>County and township of a village's region path, e.g. 普兰县 普兰镇.</summary>
    public static string PlaceName(string regionPath) => string.Join(" ", regionPath.Split('/', StringSplitOptions.RemoveEmptyEntries)
        .Select(RegionCatalog.Embedded.Find).Where(r => r is { Level: RegionLevel.County or RegionLevel.Township }).Select(r => r!.Name));

    /// <summary>The active posting; 422 with a clear message when there is none.</summary>
    public async Task<MyPost> RequirePostAsync(CancellationToken ct) =>
        await FindPostAsync(ct) ?? throw new DomainRuleException("您目前没有在岗的驻村任职（派驻记录）；如已派驻，请联系县委组织部核实。", conflict: false);
}
