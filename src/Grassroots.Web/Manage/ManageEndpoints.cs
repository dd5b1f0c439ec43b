using Grassroots.Common;
using Grassroots.Manage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Web.Manage;

public sealed record ReviewRequest(string? Note);

/// <summary>
/// Daily management (管, S-MNG-1/2/4/7): check-ins, leave and return, key periods and on-post days. A stationed cadre's
/// account uses the <c>mine</c> routes and the check-in and leave requests; the offices list and decide in their scope.
/// </summary>
internal static class ManageEndpoints
{
    public static IEndpointRouteBuilder MapManageEndpoints(this IEndpointRouteBuilder app)
    {
        var checkIns = app.MapGroup("/api/checkins").WithTags("Check-ins").RequireAuthorization();
        checkIns.MapPost("/", CheckInAsync).WithName("CheckIn").WithMetadata(new Security.AccountCheckedWithTheWrite())
            .WithSummary("A stationed cadre checks in. 201 with {id, at, onPost, late, flags, distanceMetres} when stored; the same clientKey again returns 200 with an identical body and stores nothing; the same key with another payload is 409; a refused check-in (no posting, older than the upload window, off post without a reason) is 422.");
        checkIns.MapGet("/mine", MyCheckInsAsync).WithName("MyCheckIns");
        checkIns.MapGet("/", ListCheckInsAsync).WithName("ListCheckIns");
        checkIns.MapGet("/day", DayAsync).WithName("CheckInDay");
        checkIns.MapGet("/missing", MissingAsync).WithName("MissingCheckIns");
        checkIns.MapPost("/{id:guid}/review", ReviewAsync).WithName("ReviewCheckIn");

        app.MapGet("/api/me/post", MyPostAsync).WithTags("Check-ins").WithName("MyPost").RequireAuthorization();

        var leave = app.MapGroup("/api/leave").WithTags("Leave").RequireAuthorization();
        leave.MapPost("/", AskAsync).WithName("AskLeave");
        leave.MapGet("/mine", MyLeaveAsync).WithName("MyLeave");
        leave.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelLeave");
        leave.MapPost("/{id:guid}/return", ReturnAsync).WithName("ReturnFromLeave");
        leave.MapGet("/", ListLeaveAsync).WithName("ListLeave");
        leave.MapGet("/{id:guid}", GetLeaveAsync).WithName("GetLeave");
        leave.MapPost("/{id:guid}/approve", ApproveAsync).WithName("ApproveLeave");
        leave.MapPost("/{id:guid}/reject", RejectAsync).WithName("RejectLeave");

        var periods = app.MapGroup("/api/key-periods").WithTags("Key periods").RequireAuthorization();
        periods.MapGet("/", ListKeyPeriodsAsync).WithName("ListKeyPeriods");
        periods.MapPost("/", CreateKeyPeriodAsync).WithName("CreateKeyPeriod");
        periods.MapPut("/{id:guid}", UpdateKeyPeriodAsync).WithName("UpdateKeyPeriod");
        periods.MapDelete("/{id:guid}", DeleteKeyPeriodAsync).WithName("DeleteKeyPeriod");

        var onPost = app.MapGroup("/api/on-post").WithTags("On-post days").RequireAuthorization();
        onPost.MapGet("/", OnPostListAsync).WithName("OnPostDays");
        onPost.MapGet("/mine", MyOnPostAsync).WithName("MyOnPostDays");

        app.MapDashboardEndpoints();
        return app;
    }

    /// <summary>201 stored; 200 the same key and payload again (identical body); 409 the same key with another payload;
    /// 422 refused. Refusals carry a <c>code</c> the phone acts on (<c>reasonRequired</c> asks for a reason).</summary>
    static async Task<Results<Created<CheckInAnswer>, Ok<CheckInAnswer>, ProblemHttpResult>> CheckInAsync(CheckInRequest body, CheckInIntake service, CancellationToken ct)
    {
        var outcome = await service.SubmitAsync(body, ct);
        return outcome.Kind switch
        {
            CheckInOutcomeKind.Created => TypedResults.Created($"/api/checkins/{outcome.Answer!.Id}", outcome.Answer),
            CheckInOutcomeKind.Replayed => TypedResults.Ok(outcome.Answer!),
            CheckInOutcomeKind.Unauthorized => TypedResults.Problem(title: outcome.Message, statusCode: StatusCodes.Status401Unauthorized),
            _ => TypedResults.Problem(title: outcome.Message, statusCode: outcome.Kind == CheckInOutcomeKind.KeyConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["code"] = outcome.Code }),
        };
    }

    static async Task<Ok<IReadOnlyList<CheckInRow>>> MyCheckInsAsync(DateOnly? from, CheckInService service, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await service.MineAsync(from ?? ChinaTime.Today(clock).AddDays(-30), ct));

    static async Task<Ok<PagedResult<CheckInRow>>> ListCheckInsAsync(DateOnly? date, string? view, string? region, string? sort, int? page, int? pageSize, CheckInService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ListAsync(new CheckInListQuery { Date = date, View = view, Region = region, Sort = sort, Page = page, PageSize = pageSize }, ct));

    static async Task<Ok<CheckInDay>> DayAsync(DateOnly? date, string? region, CheckInService service, CancellationToken ct) =>
        TypedResults.Ok(await service.DayAsync(date, region, ct));

    static async Task<Ok<PagedResult<MissingRow>>> MissingAsync(DateOnly? date, string? region, int? page, int? pageSize, CheckInService service, CancellationToken ct) =>
        TypedResults.Ok(await service.MissingAsync(date, region, page, pageSize, ct));

    static async Task<Ok<CheckInRow>> ReviewAsync(Guid id, ReviewRequest body, CheckInService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ReviewAsync(id, body.Note, ct));

    static async Task<Ok<MyPost>> MyPostAsync(CadreService cadre, CancellationToken ct) =>
        TypedResults.Ok(await cadre.RequirePostAsync(ct));

    static async Task<Created<LeaveDto>> AskAsync(LeaveInput body, LeaveService service, CancellationToken ct)
    {
        var leave = await service.AskAsync(body, ct);
        return TypedResults.Created($"/api/leave/{leave.Id}", leave);
    }

    static async Task<Ok<IReadOnlyList<LeaveDto>>> MyLeaveAsync(LeaveService service, CancellationToken ct) => TypedResults.Ok(await service.MineAsync(ct));

    static async Task<Ok<LeaveDto>> CancelAsync(Guid id, LeaveDecision body, LeaveService service, CancellationToken ct) => TypedResults.Ok(await service.CancelAsync(id, body, ct));

    static async Task<Ok<LeaveDto>> ReturnAsync(Guid id, LeaveReturnInput body, LeaveService service, CancellationToken ct) => TypedResults.Ok(await service.ReturnAsync(id, body, ct));

    static async Task<Ok<PagedResult<LeaveDto>>> ListLeaveAsync(string? view, string? region, int? page, int? pageSize, LeaveService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ListAsync(new LeaveListQuery { View = view, Region = region, Page = page, PageSize = pageSize }, ct));

    static async Task<Ok<LeaveDto>> GetLeaveAsync(Guid id, LeaveService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct));

    static async Task<Ok<LeaveDto>> ApproveAsync(Guid id, LeaveDecision body, LeaveService service, CancellationToken ct) => TypedResults.Ok(await service.ApproveAsync(id, body, ct));

    static async Task<Ok<LeaveDto>> RejectAsync(Guid id, LeaveDecision body, LeaveService service, CancellationToken ct) => TypedResults.Ok(await service.RejectAsync(id, body, ct));

    static async Task<Ok<IReadOnlyList<KeyPeriodDto>>> ListKeyPeriodsAsync(DateOnly? from, KeyPeriodService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(from, ct));

    static async Task<Created<KeyPeriodDto>> CreateKeyPeriodAsync(KeyPeriodInput body, KeyPeriodService service, CancellationToken ct)
    {
        var created = await service.CreateAsync(body, ct);
        return TypedResults.Created($"/api/key-periods/{created.Id}", created);
    }

    static async Task<Ok<KeyPeriodDto>> UpdateKeyPeriodAsync(Guid id, KeyPeriodInput body, KeyPeriodService service, CancellationToken ct) => TypedResults.Ok(await service.UpdateAsync(id, body, ct));

    static async Task<NoContent> DeleteKeyPeriodAsync(Guid id, KeyPeriodService service, CancellationToken ct)
    {
        await service.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    static async Task<Ok<PagedResult<OnPostRow>>> OnPostListAsync(string? month, bool? below, string? region, int? page, int? pageSize, OnPostService service, CancellationToken ct)
    {
        var (y, m) = service.ParseMonth(month);
        return TypedResults.Ok(await service.ListAsync(y, m, below ?? false, region, page, pageSize, ct));
    }

    static async Task<Ok<OnPostMonth>> MyOnPostAsync(string? month, OnPostService service, CancellationToken ct)
    {
        var (y, m) = service.ParseMonth(month);
        return TypedResults.Ok(await service.MineAsync(y, m, ct));
    }
}
