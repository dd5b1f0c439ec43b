using System.Net;
using System.Net.Http.Json;
using Grassroots.Audit;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Grassroots.Web.Tests.Security.SecurityKit;

namespace Grassroots.Web.Tests.Security;

/// <summary>
/// Sign-in and sessions: lockout after repeated failures, idle and absolute timeouts of bearer tokens and
/// cookies on the application's clock, and account changes (disabled, role removed, scope moved) taking
/// effect on the very next request of an existing session.
/// </summary>
public abstract class SessionTests(GrassrootsApp app)
{
    const string Wrong = "Not-the-password-1";

    [Fact]
    public async Task Lockout_AfterFiveFailures_RefusesTheRightPasswordUntilFifteenMinutesPass_AndAuditsEachStep()
    {
        var user = await app.CreateAccountAsync("lockout.clerk", Roles.CountyOrg, "542521");
        var since = app.Clock.GetUtcNow().UtcDateTime;

        var failures = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++) failures.Add(await app.TokenAsync("lockout.clerk", Wrong));
        var whileLocked = await app.TokenAsync("lockout.clerk", TestData.Password);

        Assert.All(failures, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal("账号或密码错误。", (await failures[0].ProblemAsync()).Title);
        Assert.Equal(HttpStatusCode.Unauthorized, whileLocked.StatusCode);
        var lockedMessage = (await whileLocked.ProblemAsync()).Title;
        Assert.Contains("已锁定", lockedMessage, StringComparison.Ordinal);
        Assert.Contains("15 分钟", lockedMessage, StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromMinutes(14));
        var stillLocked = await app.TokenAsync("lockout.clerk", TestData.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, stillLocked.StatusCode);
        Assert.Contains("已锁定", (await stillLocked.ProblemAsync()).Title, StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var afterLockout = await app.TokenAsync("lockout.clerk", TestData.Password);
        Assert.Equal(HttpStatusCode.OK, afterLockout.StatusCode);

        var rows = await app.AuditAsync(a => a.UserId == user.Id && a.AtUtc >= since && a.Event.StartsWith("login"));
        Assert.Equal(
            [AuditEvents.LoginFailure, AuditEvents.LoginFailure, AuditEvents.LoginFailure, AuditEvents.LoginFailure, AuditEvents.LockedOut,
             AuditEvents.LockedOut, AuditEvents.LockedOut, AuditEvents.LoginSuccess],
            rows.Select(r => r.Event).ToArray());
        Assert.All(rows.Take(4), r => Assert.Equal(AuditResults.Failure, r.Result));
        Assert.All(rows.Skip(4).Take(3), r => Assert.Equal(AuditResults.Denied, r.Result));
        Assert.Equal(AuditResults.Success, rows[^1].Result);
    }

    [Fact]
    public async Task Lockout_SuccessfulLogin_ResetsTheFailureCount()
    {
        await app.CreateAccountAsync("reset.clerk", Roles.CountyOrg, "542521");
        for (var i = 0; i < 4; i++) await app.TokenAsync("reset.clerk", Wrong);
        Assert.Equal(HttpStatusCode.OK, (await app.TokenAsync("reset.clerk", TestData.Password)).StatusCode);

        for (var i = 0; i < 4; i++) await app.TokenAsync("reset.clerk", Wrong);

        Assert.Equal(HttpStatusCode.OK, (await app.TokenAsync("reset.clerk", TestData.Password)).StatusCode);
    }

    [Fact]
    public async Task Login_UnknownUserAndWrongPassword_GiveTheSameAnswer()
    {
        var unknown = await app.TokenAsync("no.such.user", Wrong);
        var wrong = await app.TokenAsync("zanda.county", Wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal((await unknown.ProblemAsync()).Title, (await wrong.ProblemAsync()).Title);
    }

    [Fact]
    public async Task BearerToken_ExpiresAfterTheIdleTimeout()
    {
        var client = await app.ClientAsAsync("pulan.county");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me", Ct)).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/people", Ct)).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/people", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task CookieLogin_ThroughTheLoginForm_GivesASession()
    {
        var (client, response) = await app.CookieLoginAsync("pulan.county");

        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"login answered {(int)response.StatusCode}");
        var me = await client.GetFromJsonAsync<MeDto>("/api/auth/me", Ct);
        Assert.Equal("pulan.county", me!.UserName);
        Assert.Equal("542521", me.ScopeCode);
    }

    [Fact]
    public async Task CookieLogin_WithoutTheAntiforgeryToken_IsRefused()
    {
        var client = app.AnonymousClient();
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.UserName"] = "pulan.county",
            ["Input.Password"] = TestData.Password,
        }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("grassroots.auth", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CookieLogin_WithAWrongPassword_ShowsTheErrorAndGivesNoSession()
    {
        var (client, response) = await app.CookieLoginAsync("pulan.county", Wrong);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("账号或密码错误", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task CookieSession_EndsAfterThirtyIdleMinutes()
    {
        var (client, _) = await app.CookieLoginAsync("pulan.county");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me", Ct)).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/people", Ct)).StatusCode);
    }

    [Fact]
    public async Task CookieSession_KeptActive_StillEndsTwelveHoursAfterSignIn()
    {
        var (client, _) = await app.CookieLoginAsync("pulan.county");
        var signedIn = app.Clock.GetUtcNow();

        // A request every 20 minutes keeps the session from idling out...
        while (app.Clock.GetUtcNow() - signedIn < TimeSpan.FromHours(12) - TimeSpan.FromMinutes(20))
        {
            app.Clock.Advance(TimeSpan.FromMinutes(20));
            var response = await client.GetAsync("/api/auth/me", Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"refused {app.Clock.GetUtcNow() - signedIn} after sign-in");
        }

        // ...but not beyond the absolute timeout.
        app.Clock.Advance(TimeSpan.FromMinutes(21));
        Assert.True(app.Clock.GetUtcNow() - signedIn > TimeSpan.FromHours(12));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task DisablingAnAccount_EndsItsBearerAndCookieSessionsOnTheNextRequest()
    {
        var user = await app.CreateAccountAsync("disable.clerk", Roles.CountyOrg, "542521");
        var bearer = await app.ClientAsAsync("disable.clerk");
        var (cookie, _) = await app.CookieLoginAsync("disable.clerk");
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/people", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cookie.GetAsync("/api/people", Ct)).StatusCode);

        await app.WithSystemDbAsync(async db =>
        {
            var stored = await db.Users.SingleAsync(u => u.Id == user.Id, Ct);
            stored.IsDisabled = true;
            await db.SaveChangesAsync(Ct);
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/people", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await cookie.GetAsync("/api/people", Ct)).StatusCode);
        var login = await app.TokenAsync("disable.clerk", TestData.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("停用", (await login.ProblemAsync()).Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovingTheRole_RefusesPeopleOnTheNextRequestWithTheSameToken()
    {
        var user = await app.CreateAccountAsync("role.clerk", Roles.CountyOrg, "542521");
        var client = await app.ClientAsAsync("role.clerk");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/people/{app.Data.PulanCadre.Id}", Ct)).StatusCode);

        await app.WithAccountsAsync(async (_, sp) =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var stored = await users.FindByIdAsync(user.Id.ToString());
            return await users.RemoveFromRoleAsync(stored!, Roles.CountyOrg);
        });

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/people/{app.Data.PulanCadre.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/people", Ct)).StatusCode);
    }

    [Fact]
    public async Task MovingTheScope_AppliesOnTheNextRequestWithTheSameToken()
    {
        var user = await app.CreateAccountAsync("moved.clerk", Roles.CountyOrg, "542521");
        var client = await app.ClientAsAsync("moved.clerk");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/people/{app.Data.PulanCadre.Id}", Ct)).StatusCode);

        await app.WithSystemDbAsync(async db =>
        {
            var stored = await db.Users.SingleAsync(u => u.Id == user.Id, Ct);
            stored.ScopeCode = "542522";
            await db.SaveChangesAsync(Ct);
        });

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/people/{app.Data.PulanCadre.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/people/{app.Data.ZandaCadre.Id}", Ct)).StatusCode);
        Assert.Equal([app.Data.ZandaCadre.Id], (await client.ListAsync("/api/people")).Items.Select(i => i.Id).ToArray());
    }

    public sealed record MeDto(string UserName, string DisplayName, string[] Roles, string? ScopeCode);
}

public sealed class SessionTestsSqlite(SqliteApp app) : SessionTests(app), IClassFixture<SqliteApp>;

public sealed class SessionTestsPostgres(PostgresApp app) : SessionTests(app), IClassFixture<PostgresApp>;
