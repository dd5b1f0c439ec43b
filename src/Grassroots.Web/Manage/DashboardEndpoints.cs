using Grassroots.Common;
using Grassroots.Manage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Web.Manage;

/// <summary>
/// The management dashboard's figures (S-MNG-2/4/5/7) and the stationed cadres behind them, in the account's scope:
/// a region outside it is 404, a role without management duties 403, a bad date or region 400.
/// </summary>
internal static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/manage/dashboard").WithTags("Dashboard").RequireAuthorization();
        group.MapGet("/", GetAsync).WithName("ManageDashboard")
            .WithSummary("The dashboard of a region (region: a prefecture, county or township code inside the account's scope; default the account's own) on a day (date: yyyy-MM-dd, default today in China time): on-post figures of the day and of the month so far for the region and each region under it, the day's check-in exceptions, cadres off post in a key period, overdue returns, follow-ups past or near their deadline, open requests. On-post rate = on post ÷ (stationed − on leave).");
        group.MapGet("/cadres", CadresAsync).WithName("ManageDashboardCadres")
            .WithSummary("The stationed cadres behind the day's figures. status: all (default), onPost, leave, offPost, missing, absent (offPost + missing), notOnPost; keyPeriod=true: only those under a key period that day; sort: village (default), name, month (fewest on-post days this month first), -month.");
        return app;
    }

    static async Task<Ok<ManageDashboard>> GetAsync(DateOnly? date, string? region, DashboardService service, CancellationToken ct) =>
        TypedResults.Ok(await service.GetAsync(date, region, ct));

    static async Task<Ok<PagedResult<DashboardCadreRow>>> CadresAsync(DateOnly? date, string? region, string? status, bool? keyPeriod, string? sort, int? page, int? pageSize,
        DashboardService service, CancellationToken ct) =>
        TypedResults.Ok(await service.CadresAsync(new DashboardCadreQuery { Date = date, Region = region, Status = status, KeyPeriod = keyPeriod ?? false, Sort = sort, Page = page, PageSize = pageSize }, ct));
}
