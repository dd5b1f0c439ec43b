using Grassroots.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Grassroots.Web.Security;

public sealed record TokenRequest(string? UserName, string? Password);

internal static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");
        group.MapPost("/token", TokenAsync).WithName("CreateToken").AllowAnonymous().DisableAntiforgery()
            .WithSummary("Signs in with a user name and password; returns {accessToken, expiresIn}. Lockout applies.");
        group.MapGet("/me", Me).WithName("Me").RequireAuthorization();
        return group;
    }

    static async Task<Results<SignInHttpResult, ProblemHttpResult>> TokenAsync(TokenRequest body, AccountService accounts, SignInManager<AppUser> signIn, CancellationToken ct)
    {
        var result = await accounts.CheckPasswordAsync(body.UserName, body.Password, ct);
        if (!result.Succeeded)
            return TypedResults.Problem(title: result.Message, statusCode: result.Outcome == LoginOutcome.PasswordExpired ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized);
        var principal = await signIn.CreateUserPrincipalAsync(result.User!);
        return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
    }

    static Ok<MeDto> Me(CurrentUser user) =>
        TypedResults.Ok(new MeDto(user.UserName, user.DisplayName, [.. user.Roles], user.ScopeCode));

    public sealed record MeDto(string UserName, string DisplayName, string[] Roles, string? ScopeCode);
}
