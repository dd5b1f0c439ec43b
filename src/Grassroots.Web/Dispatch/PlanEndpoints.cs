using Grassroots.Common;
using Grassroots.Dispatch;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Web.Dispatch;

public sealed record CreatePlanRequest(Guid? BasedOn);

public sealed record VersionRequest(Guid? Version);

public sealed record LockRequest(Guid PlacementId, Guid? Version);

public sealed record MoveRequest(Guid PersonId, Guid VillageId, string? Slot, Guid? Version);

public sealed record GapDto(Guid VillageId, string Village, string VillageCode, string Slot, int Count, string Reason);

public sealed record LockDto(Guid PersonId, string Name, Guid VillageId, string Village, string Slot, bool Moved, string By, DateTime AtUtc);

public sealed record PublishResponse(int Postings);

/// <summary>Dispatch plans of a selection round (S-SEL-10, S-SEL-11): run, inspect, lock, move, explain, compare, approve, publish, export.</summary>
internal static class PlanEndpoints
{
    public static RouteGroupBuilder MapPlanEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/rounds/{roundId:guid}/plans", ListAsync).WithTags("Dispatch plans").RequireAuthorization().WithName("ListPlans");
        app.MapPost("/api/rounds/{roundId:guid}/plans", CreateAsync).WithTags("Dispatch plans").RequireAuthorization().WithName("CreatePlan")
            .WithSummary("生成方案：排队后台计算，返回 202 和方案（status=queued），轮询 GET /api/plans/{id} 查看进度。带 basedOn 时沿用该方案的锁定与调整（重新计算）。");
        var group = app.MapGroup("/api/plans").WithTags("Dispatch plans").RequireAuthorization();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetPlan");
        group.MapGet("/{id:guid}/placements", PlacementsAsync).WithName("ListPlacements")
            .WithSummary("方案的安排：q 按姓名、村名、单位查找；county 为县区划代码；fit = fits | misfits | locked；sort = village | name | cost | distance | slot（加 - 为倒序）。");
        group.MapGet("/{id:guid}/placements/{placementId:guid}/explanation", ExplainAsync).WithName("ExplainPlacement")
            .WithSummary("为什么这样安排：代价各项，以及不作此安排时的最优替代（精确重解）。");
        group.MapGet("/{id:guid}/gaps", GapsAsync).WithName("ListPlanGaps");
        group.MapGet("/{id:guid}/locks", LocksAsync).WithName("ListPlanLocks");
        group.MapPost("/{id:guid}/locks", LockAsync).WithName("LockPlacement");
        group.MapDelete("/{id:guid}/locks/{personId:guid}", UnlockAsync).WithName("UnlockPlacement");
        group.MapPost("/{id:guid}/moves", MoveAsync).WithName("MoveCadre")
            .WithSummary("调整：把干部固定到某村的某岗位（slot = firstSecretary | member | speaker），重新计算时其余安排围绕它重新优化。");
        group.MapPost("/{id:guid}/approve", ApproveAsync).WithName("ApprovePlan");
        group.MapPost("/{id:guid}/publish", PublishAsync).WithName("PublishPlan")
            .WithSummary("发布已审定的方案：一次性为每名干部生成派驻记录（任期起止）并组成各村工作队；要么全部生效，要么全部不生效。");
        group.MapGet("/{id:guid}/export", ExportAsync).WithName("ExportPlan");
        group.MapGet("/compare", CompareAsync).WithName("ComparePlans");
        return group;
    }

    static async Task<Ok<IReadOnlyList<PlanSummary>>> ListAsync(Guid roundId, PlanningService planning, CancellationToken ct) =>
        TypedResults.Ok(await planning.ListAsync(roundId, ct));

    static async Task<Accepted<PlanSummary>> CreateAsync(Guid roundId, CreatePlanRequest? body, PlanningService planning, PlanRunQueue queue, CancellationToken ct)
    {
        var plan = await planning.CreateAsync(roundId, body?.BasedOn, ct);
        queue.Enqueue(plan.Id);
        return TypedResults.Accepted($"/api/plans/{plan.Id}", await planning.GetAsync(plan.Id, ct));
    }

    static async Task<Ok<PlanSummary>> GetAsync(Guid id, PlanningService planning, CancellationToken ct) => TypedResults.Ok(await planning.GetAsync(id, ct));

    static async Task<Ok<PagedResult<PlacementRow>>> PlacementsAsync(Guid id, string? q, string? county, string? fit, string? sort, int? page, int? pageSize,
        PlanningService planning, CancellationToken ct) =>
        TypedResults.Ok(await planning.PlacementsAsync(id, q, county, fit, sort, page, pageSize, ct));

    static async Task<Ok<PlacementExplanation>> ExplainAsync(Guid id, Guid placementId, PlanningService planning, CancellationToken ct) =>
        TypedResults.Ok(await planning.ExplainAsync(id, placementId, ct));

    static async Task<Ok<IReadOnlyList<GapDto>>> GapsAsync(Guid id, PlanningService planning, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<GapDto>>((await planning.GapsAsync(id, ct))
            .Select(g => new GapDto(g.Gap.VillageId, g.Village, g.VillageCode, SlotKey(g.Gap.Slot), g.Gap.Count, g.Gap.Reason)).ToList());

    static async Task<Ok<IReadOnlyList<LockDto>>> LocksAsync(Guid id, PlanningService planning, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<LockDto>>((await planning.LocksAsync(id, ct))
            .Select(l => new LockDto(l.Lock.PersonId, l.Name, l.Lock.VillageId, l.Village, SlotKey(l.Lock.Slot), l.Lock.Moved, l.Lock.By, l.Lock.AtUtc)).ToList());

    static async Task<Ok<PlanSummary>> LockAsync(Guid id, LockRequest body, PlanningService planning, CancellationToken ct)
    {
        await planning.LockAsync(id, body.PlacementId, body.Version, ct);
        return TypedResults.Ok(await planning.GetAsync(id, ct));
    }

    static async Task<Ok<PlanSummary>> UnlockAsync(Guid id, Guid personId, Guid? version, PlanningService planning, CancellationToken ct)
    {
        await planning.UnlockAsync(id, personId, version, ct);
        return TypedResults.Ok(await planning.GetAsync(id, ct));
    }

    static async Task<Ok<PlanSummary>> MoveAsync(Guid id, MoveRequest body, PlanningService planning, CancellationToken ct)
    {
        await planning.MoveAsync(id, body.PersonId, body.VillageId, ParseSlot(body.Slot), body.Version, ct);
        return TypedResults.Ok(await planning.GetAsync(id, ct));
    }

    static async Task<Ok<PlanSummary>> ApproveAsync(Guid id, VersionRequest? body, PlanningService planning, CancellationToken ct)
    {
        await planning.ApproveAsync(id, body?.Version, ct);
        return TypedResults.Ok(await planning.GetAsync(id, ct));
    }

    static async Task<Ok<PublishResponse>> PublishAsync(Guid id, VersionRequest? body, PlanningService planning, CancellationToken ct) =>
        TypedResults.Ok(new PublishResponse(await planning.PublishAsync(id, body?.Version, ct)));

    static async Task<Ok<PlanComparison>> CompareAsync(Guid left, Guid right, PlanningService planning, CancellationToken ct) =>
        TypedResults.Ok(await planning.CompareAsync(left, right, ct));

    static async Task<FileContentHttpResult> ExportAsync(Guid id, PlanExporter exporter, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var name = await exporter.ExportAsync(id, buffer, ct);
        return TypedResults.File(buffer.ToArray(), PlanExporter.ContentType, name);
    }

    internal static string SlotKey(PlanSlot slot) => slot switch
    {
        PlanSlot.FirstSecretary => "firstSecretary",
        PlanSlot.Speaker => "speaker",
        _ => "member",
    };

    internal static PlanSlot ParseSlot(string? slot) => slot?.Trim().ToLowerInvariant() switch
    {
        "firstsecretary" or "f" or "第一书记" => PlanSlot.FirstSecretary,
        "member" or "m" or "工作队员" => PlanSlot.Member,
        "speaker" or "s" or "工作队员（当地语言）" => PlanSlot.Speaker,
        _ => throw new ValidationException("slot", $"岗位“{slot}”无效，应为 firstSecretary（第一书记）、member（工作队员）或 speaker（当地语言队员）。"),
    };
}
