using Grassroots.Common;
using Grassroots.Selection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Web.Selection;

/// <summary>A state change of a round: the version the client read (a stale one is a conflict, 409).</summary>
public sealed record RoundTransition(Guid? Version);

/// <summary>Selection rounds, their demand and quotas, candidates and their review (S-SEL-1..4).</summary>
internal static class SelectionEndpoints
{
    public static IEndpointRouteBuilder MapSelectionEndpoints(this IEndpointRouteBuilder app)
    {
        var rounds = app.MapGroup("/api/rounds").WithTags("Selection").RequireAuthorization();
        rounds.MapGet("/", ListRoundsAsync).WithName("ListRounds");
        rounds.MapPost("/", CreateRoundAsync).WithName("CreateRound");
        rounds.MapGet("/{id:guid}", GetRoundAsync).WithName("GetRound");
        rounds.MapPut("/{id:guid}", UpdateRoundAsync).WithName("UpdateRound");
        rounds.MapPost("/{id:guid}/open", OpenRoundAsync).WithName("OpenRound");
        rounds.MapPost("/{id:guid}/close", CloseRoundAsync).WithName("CloseRound");
        rounds.MapGet("/{id:guid}/quotas", QuotasAsync).WithName("ListQuotas");
        rounds.MapPut("/{id:guid}/quotas", SetQuotasAsync).WithName("SetQuotas");
        rounds.MapGet("/{id:guid}/demand", DemandAsync).WithName("ListDemand");
        rounds.MapPost("/{id:guid}/demand/generate", GenerateDemandAsync).WithName("GenerateDemand");
        rounds.MapPut("/{id:guid}/demand/{demandId:guid}", UpdateDemandAsync).WithName("UpdateDemand");
        rounds.MapGet("/{id:guid}/candidates", CandidatesAsync).WithName("ListCandidates");
        rounds.MapPost("/{id:guid}/candidates", NominateAsync).WithName("Nominate");

        var candidates = app.MapGroup("/api/candidates").WithTags("Selection").RequireAuthorization();
        candidates.MapGet("/{id:guid}", GetCandidateAsync).WithName("GetCandidate");
        candidates.MapPost("/{id:guid}/attestations", AttestAsync).WithName("Attest");
        candidates.MapPost("/{id:guid}/approve", ApproveAsync).WithName("ApproveCandidate");
        candidates.MapPost("/{id:guid}/reject", RejectAsync).WithName("RejectCandidate");
        candidates.MapPost("/{id:guid}/withdraw", WithdrawAsync).WithName("WithdrawCandidate");
        return app;
    }

    static async Task<Ok<IReadOnlyList<RoundSummary>>> ListRoundsAsync(RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.ListAsync(ct));

    static async Task<Created<RoundDetail>> CreateRoundAsync(RoundInput body, RoundService rounds, CancellationToken ct)
    {
        var created = await rounds.CreateAsync(body, ct);
        return TypedResults.Created($"/api/rounds/{created.Id}", created);
    }

    static async Task<Ok<RoundDetail>> GetRoundAsync(Guid id, RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.GetAsync(id, ct));

    static async Task<Ok<RoundDetail>> UpdateRoundAsync(Guid id, RoundInput body, RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.UpdateAsync(id, body, ct));

    static async Task<Ok<RoundDetail>> OpenRoundAsync(Guid id, RoundTransition body, RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.OpenAsync(id, body.Version, ct));

    static async Task<Ok<RoundDetail>> CloseRoundAsync(Guid id, RoundTransition body, RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.CloseAsync(id, body.Version, ct));

    static async Task<Ok<IReadOnlyList<QuotaDto>>> QuotasAsync(Guid id, RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.QuotasAsync(id, ct));

    static async Task<Ok<IReadOnlyList<QuotaDto>>> SetQuotasAsync(Guid id, List<QuotaInput> body, RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.SetQuotasAsync(id, body, ct));

    static async Task<Ok<DemandPage>> DemandAsync(Guid id, string? q, string? region, string? sort, int? page, int? pageSize, RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.ListDemandAsync(id, q, region, sort, page, pageSize, ct));

    static async Task<Ok<DemandTotals>> GenerateDemandAsync(Guid id, GenerateDemandInput body, RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.GenerateDemandAsync(id, body, ct));

    static async Task<Ok<DemandRow>> UpdateDemandAsync(Guid id, Guid demandId, DemandInput body, RoundService rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.UpdateDemandAsync(id, demandId, body, ct));

    static async Task<Ok<PagedResult<CandidateRow>>> CandidatesAsync(Guid id, string? status, string? entry, string? outcome, Guid? unitId, string? q, string? sort, int? page, int? pageSize,
        CandidateService candidates, CancellationToken ct) =>
        TypedResults.Ok(await candidates.ListAsync(id, new CandidateQuery { Status = status, Entry = entry, Outcome = outcome, UnitId = unitId, Q = q, Sort = sort, Page = page, PageSize = pageSize }, ct));

    static async Task<Created<CandidateDetail>> NominateAsync(Guid id, NominationInput body, CandidateService candidates, CancellationToken ct)
    {
        var created = await candidates.NominateAsync(id, body, ct);
        return TypedResults.Created($"/api/candidates/{created.Id}", created);
    }

    static async Task<Ok<CandidateDetail>> GetCandidateAsync(Guid id, CandidateService candidates, CancellationToken ct) =>
        TypedResults.Ok(await candidates.GetAsync(id, ct));

    static async Task<Ok<CandidateDetail>> AttestAsync(Guid id, AttestationInput body, CandidateService candidates, CancellationToken ct) =>
        TypedResults.Ok(await candidates.AttestAsync(id, body, ct));

    static async Task<Ok<CandidateDetail>> ApproveAsync(Guid id, ReviewInput body, CandidateService candidates, CancellationToken ct) =>
        TypedResults.Ok(await candidates.ApproveAsync(id, body, ct));

    static async Task<Ok<CandidateDetail>> RejectAsync(Guid id, ReviewInput body, CandidateService candidates, CancellationToken ct) =>
        TypedResults.Ok(await candidates.RejectAsync(id, body, ct));

    static async Task<Ok<CandidateDetail>> WithdrawAsync(Guid id, ReviewInput body, CandidateService candidates, CancellationToken ct) =>
        TypedResults.Ok(await candidates.WithdrawAsync(id, body, ct));
}
