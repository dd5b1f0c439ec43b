using Grassroots.Audit;
using Grassroots.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Web.Audit;

internal static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization();
        group.MapGet("/", SearchAsync).WithName("SearchAudit");
        return group;
    }

    static async Task<Ok<PagedResult<AuditDto>>> SearchAsync(string? user, string? @event, string? objectType, string? objectId, DateOnly? from, DateOnly? to, int? page, int? pageSize,
        AuditService audit, CancellationToken ct) =>
        TypedResults.Ok(await audit.SearchAsync(new AuditQuery(user, @event, objectType, objectId, from, to, page, pageSize), ct));
}
