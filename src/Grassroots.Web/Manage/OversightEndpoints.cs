using Grassroots.Common;
using Grassroots.Manage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Web.Manage;

/// <summary>
/// Supervision with care (管, S-MNG-3/5/6/7/8): requests and reports, random inspections with findings and follow-ups,
/// dispatch checks, field visits and roll-calls, and the teams' care funds. Everything is in the account's scope (outside
/// it is 404); who may do what is <see cref="OversightPolicy"/>. A stationed cadre uses the <c>mine</c> routes and files
/// requests; a roll-call is answered with an ordinary check-in (<c>POST /api/checkins</c>) within its time limit.
/// </summary>
internal static class OversightEndpoints
{
    public static IEndpointRouteBuilder MapOversightEndpoints(this IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/api/requests").WithTags("Requests and reports").RequireAuthorization();
        requests.MapPost("/", AskAsync).WithName("FileRequest")
            .WithSummary("A stationed cadre files a request (kind request 请示) or a report (kind report 报告) to the township (default) or the county office.");
        requests.MapGet("/mine", MyRequestsAsync).WithName("MyRequests");
        requests.MapGet("/", ListRequestsAsync).WithName("ListRequests")
            .WithSummary("Requests in scope. view: all (default), todo (open ones this account answers), open, answered, closed; kind; to; q; region (a code inside the account's scope; 404 outside it); sort: -asked, asked, status.");
        requests.MapGet("/{id:guid}", GetRequestAsync).WithName("GetRequest");
        requests.MapPost("/{id:guid}/answer", AnswerAsync).WithName("AnswerRequest")
            .WithSummary("The office answers an open request. Of two answers at once one wins; the other (or a stale version) is 409.");
        requests.MapPost("/{id:guid}/close", CloseRequestAsync).WithName("CloseRequest");

        var inspections = app.MapGroup("/api/inspections").WithTags("Inspections").RequireAuthorization();
        inspections.MapGet("/candidates", CandidatesAsync).WithName("InspectionCandidates")
            .WithSummary("The teams a draw would choose from, with on-post rates over the last days and the risk weights.");
        inspections.MapPost("/draws", DrawAsync).WithName("DrawInspections")
            .WithSummary("Draws teams (weighted by risk) and inspectors with a seed (given, or made and recorded) and plans an inspection of each. The same seed on the same inputs gives the same draw.");
        inspections.MapGet("/draws", RecentDrawsAsync).WithName("ListDraws");
        inspections.MapGet("/draws/{id:guid}", GetDrawAsync).WithName("GetDraw");
        inspections.MapPost("/", PlanAsync).WithName("PlanInspection");
        inspections.MapGet("/", ListInspectionsAsync).WithName("ListInspections");
        inspections.MapGet("/{id:guid}", GetInspectionAsync).WithName("GetInspection");
        inspections.MapPost("/{id:guid}/record", RecordAsync).WithName("RecordInspection");
        inspections.MapPost("/{id:guid}/findings", AddFindingAsync).WithName("AddFinding");
        inspections.MapPost("/{id:guid}/follow-ups", IssueFollowUpAsync).WithName("IssueFollowUp");

        var followUps = app.MapGroup("/api/follow-ups").WithTags("Inspections").RequireAuthorization();
        followUps.MapGet("/", ListFollowUpsAsync).WithName("ListFollowUps").WithSummary("view: open (default), overdue, closed, all.");
        followUps.MapGet("/{id:guid}", GetFollowUpAsync).WithName("GetFollowUp");
        followUps.MapPost("/{id:guid}/close", CloseFollowUpAsync).WithName("CloseFollowUp");

        var checks = app.MapGroup("/api/dispatch-checks").WithTags("Dispatch checks").RequireAuthorization();
        checks.MapPost("/", RecordCheckAsync).WithName("RecordDispatchCheck");
        checks.MapGet("/", ListChecksAsync).WithName("ListDispatchChecks");

        var visits = app.MapGroup("/api/field-visits").WithTags("Dispatch checks").RequireAuthorization();
        visits.MapPost("/", RecordVisitAsync).WithName("RecordFieldVisit");
        visits.MapGet("/", ListVisitsAsync).WithName("ListFieldVisits");

        var calls = app.MapGroup("/api/roll-calls").WithTags("Dispatch checks").RequireAuthorization();
        calls.MapPost("/", StartRollCallAsync).WithName("StartRollCall")
            .WithSummary("Pushes a roll-call to the cadres of a team. Each answers with a check-in whose device time lies within the limit (default 30 minutes).");
        calls.MapGet("/", ListRollCallsAsync).WithName("ListRollCalls");
        calls.MapGet("/unanswered", UnansweredAsync).WithName("UnansweredRollCalls");
        calls.MapGet("/mine", MyRollCallsAsync).WithName("MyRollCalls");
        calls.MapGet("/{id:guid}", GetRollCallAsync).WithName("GetRollCall");

        var care = app.MapGroup("/api/care").WithTags("Care").RequireAuthorization();
        care.MapGet("/teams", TeamsAsync).WithName("CareTeams");
        care.MapGet("/teams/{villageId:guid}", TeamAsync).WithName("CareTeam");
        care.MapGet("/teams/{villageId:guid}/ledger.xlsx", ExportLedgerAsync).WithName("ExportCareLedger");
        care.MapPost("/funds", CreateFundAsync).WithName("CreateCareFund");
        care.MapGet("/funds/{id:guid}", GetFundAsync).WithName("GetCareFund");
        care.MapPut("/funds/{id:guid}/budget", SetBudgetAsync).WithName("SetCareBudget");
        care.MapPost("/funds/{id:guid}/entries", SpendAsync).WithName("RecordCareEntry")
            .WithSummary("Records a spending (yuan, at most two decimals). Taking the fund below zero needs overspendReason (422 otherwise).");

        app.MapGet("/api/oversight/summary", SummaryAsync).WithTags("Oversight").WithName("OversightSummary").RequireAuthorization();
        return app;
    }

    static async Task<Created<RequestDto>> AskAsync(RequestInput body, CadreRequestService service, CancellationToken ct)
    {
        var r = await service.AskAsync(body, ct);
        return TypedResults.Created($"/api/requests/{r.Id}", r);
    }

    static async Task<Ok<PagedResult<RequestDto>>> MyRequestsAsync(int? page, int? pageSize, CadreRequestService service, CancellationToken ct) =>
        TypedResults.Ok(await service.MineAsync(page, pageSize, ct));

    static async Task<Ok<PagedResult<RequestDto>>> ListRequestsAsync(string? view, string? kind, string? to, string? q, string? region, string? sort, int? page, int? pageSize,
        CadreRequestService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ListAsync(new RequestQuery { View = view, Kind = kind, To = to, Q = q, Region = region, Sort = sort, Page = page, PageSize = pageSize }, ct));

    static async Task<Ok<RequestDto>> GetRequestAsync(Guid id, CadreRequestService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct));

    static async Task<Ok<RequestDto>> AnswerAsync(Guid id, RequestAnswerInput body, CadreRequestService service, CancellationToken ct) =>
        TypedResults.Ok(await service.AnswerAsync(id, body, ct));

    static async Task<Ok<RequestDto>> CloseRequestAsync(Guid id, RequestCloseInput body, CadreRequestService service, CancellationToken ct) =>
        TypedResults.Ok(await service.CloseAsync(id, body, ct));

    static async Task<Ok<IReadOnlyList<DrawTeamDto>>> CandidatesAsync(string? region, InspectionService service, CancellationToken ct) =>
        TypedResults.Ok(await service.PreviewAsync(region, ct));

    static async Task<Created<DrawDto>> DrawAsync(DrawInput body, InspectionService service, CancellationToken ct)
    {
        var draw = await service.DrawAsync(body, ct);
        return TypedResults.Created($"/api/inspections/draws/{draw.Id}", draw);
    }

    public sealed record DrawSummary(Guid Id, DateTime DrawnAt, string Region, int Seed, int Count, string DrawnBy);

    static async Task<Ok<IReadOnlyList<DrawSummary>>> RecentDrawsAsync(InspectionService service, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<DrawSummary>>([.. (await service.RecentDrawsAsync(50, ct)).Select(d => new DrawSummary(d.Id, d.At, d.Region, d.Seed, d.Count, d.By))]);

    static async Task<Ok<DrawDto>> GetDrawAsync(Guid id, InspectionService service, CancellationToken ct) => TypedResults.Ok(await service.GetDrawAsync(id, ct));

    static async Task<Created<InspectionDetail>> PlanAsync(PlanInspectionInput body, InspectionService service, CancellationToken ct)
    {
        var i = await service.PlanAsync(body, ct);
        return TypedResults.Created($"/api/inspections/{i.Row.Id}", i);
    }

    static async Task<Ok<PagedResult<InspectionRow>>> ListInspectionsAsync(string? status, DateOnly? from, DateOnly? to, string? q, Guid? drawId, string? sort,
        int? page, int? pageSize, InspectionService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ListAsync(new InspectionQuery { Status = status, From = from, To = to, Q = q, DrawId = drawId, Sort = sort, Page = page, PageSize = pageSize }, ct));

    static async Task<Ok<InspectionDetail>> GetInspectionAsync(Guid id, InspectionService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct));

    static async Task<Ok<InspectionDetail>> RecordAsync(Guid id, RecordInspectionInput body, InspectionService service, CancellationToken ct) =>
        TypedResults.Ok(await service.RecordAsync(id, body, ct));

    static async Task<Ok<InspectionDetail>> AddFindingAsync(Guid id, FindingInput body, InspectionService service, CancellationToken ct) =>
        TypedResults.Ok(await service.AddFindingAsync(id, body, ct));

    static async Task<Ok<InspectionDetail>> IssueFollowUpAsync(Guid id, FollowUpInput body, InspectionService service, CancellationToken ct) =>
        TypedResults.Ok(await service.IssueFollowUpAsync(id, body, ct));

    static async Task<Ok<PagedResult<FollowUpDto>>> ListFollowUpsAsync(string? view, string? kind, string? region, int? page, int? pageSize, InspectionService service, CancellationToken ct) =>
        TypedResults.Ok(await service.FollowUpsAsync(new FollowUpQuery { View = view, Kind = kind, Region = region, Page = page, PageSize = pageSize }, ct));

    static async Task<Ok<FollowUpDto>> GetFollowUpAsync(Guid id, InspectionService service, CancellationToken ct) => TypedResults.Ok(await service.GetFollowUpAsync(id, ct));

    static async Task<Ok<FollowUpDto>> CloseFollowUpAsync(Guid id, CloseFollowUpInput body, InspectionService service, CancellationToken ct) =>
        TypedResults.Ok(await service.CloseFollowUpAsync(id, body, ct));

    static async Task<Created<DispatchCheckRow>> RecordCheckAsync(DispatchCheckInput body, DispatchService service, CancellationToken ct)
    {
        var row = await service.RecordCheckAsync(body, ct);
        return TypedResults.Created($"/api/dispatch-checks/{row.Id}", row);
    }

    static async Task<Ok<PagedResult<DispatchCheckRow>>> ListChecksAsync(DateOnly? from, DateOnly? to, string? q, string? result, string? sort, int? page, int? pageSize,
        DispatchService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ChecksAsync(new DispatchQuery { From = from, To = to, Q = q, Result = result, Sort = sort, Page = page, PageSize = pageSize }, ct));

    static async Task<Created<FieldVisitRow>> RecordVisitAsync(FieldVisitInput body, DispatchService service, CancellationToken ct)
    {
        var row = await service.RecordVisitAsync(body, ct);
        return TypedResults.Created($"/api/field-visits/{row.Id}", row);
    }

    static async Task<Ok<PagedResult<FieldVisitRow>>> ListVisitsAsync(DateOnly? from, DateOnly? to, string? q, string? sort, int? page, int? pageSize,
        DispatchService service, CancellationToken ct) =>
        TypedResults.Ok(await service.VisitsAsync(new DispatchQuery { From = from, To = to, Q = q, Sort = sort, Page = page, PageSize = pageSize }, ct));

    static async Task<Created<RollCallDto>> StartRollCallAsync(RollCallInput body, DispatchService service, CancellationToken ct)
    {
        var call = await service.StartRollCallAsync(body, ct);
        return TypedResults.Created($"/api/roll-calls/{call.Id}", call);
    }

    static async Task<Ok<PagedResult<RollCallDto>>> ListRollCallsAsync(DateOnly? from, DateOnly? to, string? q, int? page, int? pageSize, DispatchService service, CancellationToken ct) =>
        TypedResults.Ok(await service.RollCallsAsync(new DispatchQuery { From = from, To = to, Q = q, Page = page, PageSize = pageSize }, ct));

    static async Task<Ok<PagedResult<UnansweredRow>>> UnansweredAsync(DateOnly? from, int? page, int? pageSize, DispatchService service, CancellationToken ct) =>
        TypedResults.Ok(await service.UnansweredAsync(from, page, pageSize, ct));

    static async Task<Ok<IReadOnlyList<MyRollCall>>> MyRollCallsAsync(DispatchService service, CancellationToken ct) => TypedResults.Ok(await service.MineAsync(ct));

    static async Task<Ok<RollCallDto>> GetRollCallAsync(Guid id, DispatchService service, CancellationToken ct) => TypedResults.Ok(await service.GetRollCallAsync(id, ct));

    static async Task<Ok<PagedResult<CareTeamRow>>> TeamsAsync(string? q, string? view, int? page, int? pageSize, CareService service, CancellationToken ct) =>
        TypedResults.Ok(await service.TeamsAsync(new CareQuery { Q = q, View = view, Page = page, PageSize = pageSize }, ct));

    public sealed record CareLedgerDto(CareFundDto Fund, IReadOnlyList<CareEntryDto> Entries);

    public sealed record CareTeamDto(CareTeamRow Team, IReadOnlyList<CareLedgerDto> Ledgers, bool CanSetBudget, bool CanSpend);

    static async Task<Ok<CareTeamDto>> TeamAsync(Guid villageId, CareService service, CancellationToken ct)
    {
        var t = await service.TeamAsync(villageId, ct);
        return TypedResults.Ok(new CareTeamDto(t.Row, [.. t.Ledgers.Select(l => new CareLedgerDto(l.Fund, l.Entries))], t.CanSetBudget, t.CanSpend));
    }

    /// <summary>The team's ledgers as .xlsx (audited). The workbook is built in memory first so a failure is a clean error, not half a file.</summary>
    static async Task<FileContentHttpResult> ExportLedgerAsync(Guid villageId, CareLedgerExporter exporter, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var name = await exporter.ExportAsync(villageId, buffer, ct);
        return TypedResults.File(buffer.ToArray(), CareLedgerExporter.ContentType, name);
    }

    static async Task<Created<CareFundDto>> CreateFundAsync(CareFundInput body, CareService service, CancellationToken ct)
    {
        var fund = await service.CreateFundAsync(body, ct);
        return TypedResults.Created($"/api/care/funds/{fund.Id}", fund);
    }

    static async Task<Ok<CareFundDto>> GetFundAsync(Guid id, CareService service, CancellationToken ct) => TypedResults.Ok(await service.GetFundAsync(id, ct));

    static async Task<Ok<CareFundDto>> SetBudgetAsync(Guid id, CareBudgetInput body, CareService service, CancellationToken ct) => TypedResults.Ok(await service.SetBudgetAsync(id, body, ct));

    static async Task<Created<CareEntryDto>> SpendAsync(Guid id, CareEntryInput body, CareService service, CancellationToken ct)
    {
        var entry = await service.SpendAsync(id, body, ct);
        return TypedResults.Created($"/api/care/funds/{id}/entries/{entry.Id}", entry);
    }

    static async Task<Ok<OversightSummary>> SummaryAsync(DateOnly? from, DateOnly? to, OversightSummaryService service, CancellationToken ct) =>
        TypedResults.Ok(await service.SummaryAsync(from, to, ct));
}
