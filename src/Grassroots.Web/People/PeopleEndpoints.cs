using Grassroots.Common;
using Grassroots.People;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Web.People;

public sealed record RevealRequest(string? Reason);

public sealed record RevealResponse(string IdNumber);

internal static class PeopleEndpoints
{
    public static RouteGroupBuilder MapPeopleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/people").WithTags("People").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListPeople");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetPerson");
        group.MapPost("/", CreateAsync).WithName("CreatePerson");
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdatePerson");
        group.MapPost("/{id:guid}/reveal", RevealAsync).WithName("RevealIdNumber");
        return group;
    }

    static async Task<Ok<PagedResult<PersonListItem>>> ListAsync(string? q, string? region, string? kind, Guid? unitId, string? line, string? sort, int? page, int? pageSize,
        PeopleService people, CancellationToken ct) =>
        TypedResults.Ok(await people.ListAsync(new PeopleQuery { Q = q, Region = region, Kind = kind, UnitId = unitId, Line = line, Sort = sort, Page = page, PageSize = pageSize }, ct));

    static async Task<Ok<PersonDetail>> GetAsync(Guid id, PeopleService people, CancellationToken ct) =>
        TypedResults.Ok(await people.GetAsync(id, ct));

    static async Task<Created<PersonDetail>> CreateAsync(PersonInput body, PeopleService people, CancellationToken ct)
    {
        var created = await people.CreateAsync(body, ct);
        return TypedResults.Created($"/api/people/{created.Id}", created);
    }

    static async Task<Ok<PersonDetail>> UpdateAsync(Guid id, PersonInput body, PeopleService people, CancellationToken ct) =>
        TypedResults.Ok(await people.UpdateAsync(id, body, ct));

    static async Task<Ok<RevealResponse>> RevealAsync(Guid id, RevealRequest body, PeopleService people, CancellationToken ct) =>
        TypedResults.Ok(new RevealResponse(await people.RevealAsync(id, body.Reason, ct)));
}
