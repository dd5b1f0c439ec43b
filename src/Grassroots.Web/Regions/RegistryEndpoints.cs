using Grassroots.Common;
using Grassroots.Regions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Web.Regions;

internal static class RegistryEndpoints
{
    public static IEndpointRouteBuilder MapRegistryEndpoints(this IEndpointRouteBuilder app)
    {
        var regions = app.MapGroup("/api/regions").WithTags("Regions").RequireAuthorization();
        regions.MapGet("/{code}", GetRegionAsync).WithName("GetRegion");
        regions.MapGet("/", GetScopeRootAsync).WithName("GetScopeRoot");

        var villages = app.MapGroup("/api/villages").WithTags("Villages").RequireAuthorization();
        villages.MapGet("/", ListVillagesAsync).WithName("ListVillages");
        villages.MapGet("/{id:guid}", GetVillageAsync).WithName("GetVillage");

        app.MapGroup("/api/communities").WithTags("Communities").RequireAuthorization().MapGet("/", ListCommunitiesAsync).WithName("ListCommunities");
        app.MapGroup("/api/units").WithTags("Units").RequireAuthorization().MapGet("/", ListUnitsAsync).WithName("ListUnits");
        return app;
    }

    static async Task<Ok<RegionDto>> GetRegionAsync(string code, RegistryService registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.GetRegionAsync(code, ct));

    static async Task<Results<Ok<RegionDto>, NotFound>> GetScopeRootAsync(RegistryService registry, CancellationToken ct) =>
        registry.ScopeRoot() is { } root ? TypedResults.Ok(await registry.GetRegionAsync(root.Code.Value, ct)) : TypedResults.NotFound();

    static async Task<Ok<PagedResult<VillageDto>>> ListVillagesAsync(string? q, string? region, string? tag, string? sort, int? page, int? pageSize, RegistryService registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.ListVillagesAsync(q, region, tag, sort, page, pageSize, ct));

    static async Task<Ok<VillageDto>> GetVillageAsync(Guid id, RegistryService registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.GetVillageAsync(id, ct));

    static async Task<Ok<PagedResult<CommunityDto>>> ListCommunitiesAsync(string? q, string? region, int? page, int? pageSize, RegistryService registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.ListCommunitiesAsync(q, region, page, pageSize, ct));

    static async Task<Ok<PagedResult<UnitDto>>> ListUnitsAsync(string? q, string? region, int? page, int? pageSize, RegistryService registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.ListUnitsAsync(q, region, page, pageSize, ct));
}
