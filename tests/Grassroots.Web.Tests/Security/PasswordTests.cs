using System.Net;
using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using static Grassroots.Web.Tests.Security.SecurityKit;

namespace Grassroots.Web.Tests.Security;

/// <summary>
/// The password policy through the application's own account service and Identity validators (defaults:
/// 10 characters, upper, lower, digit, symbol, no breached or account-name passwords), and password expiry
/// after 90 days on the application's clock.
/// </summary>
public abstract class PasswordTests(GrassrootsApp app)
{
    static int counter;

    public static TheoryData<string, string, string> Refused() => new()
    {
        { "too short", "Ab1!xyz", "至少需要 10 个字符" },
        { "no digit", "Abcdefgh!xyz", "须包含数字" },
        { "no upper case", "abcdefg1!xyz", "须包含大写字母" },
        { "no lower case", "ABCDEFG1!XYZ", "须包含小写字母" },
        { "no symbol", "Abcdefg12xyz", "须包含符号" },
        { "breached", "P@ssw0rd123", "常见的弱密码" },
        { "breached, other case", "p@SSW0RD123", "常见的弱密码" },
        { "contains the account name", "Policy.Clerk#2026", "包含账号名" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task CreateUser_WithAWeakPassword_IsRefusedWithAChineseMessage(string why, string password, string message)
    {
        var userName = "policy.clerk";
        var error = await Assert.ThrowsAsync<ValidationException>(() => app.CreateAccountAsync(userName, Roles.CountyOrg, "542521", password));

        Assert.True(error.Errors.ContainsKey("password"), why);
        Assert.Contains(error.Errors["password"], m => m.Contains(message, StringComparison.Ordinal));
        Assert.False(await app.WithSystemDbAsync(db => db.Users.AnyAsync(u => u.UserName == userName, Ct)), "no account is left behind");
    }

    [Theory]
    [InlineData("Kq7#mVt2!pLx")]
    [InlineData("格桑花开-Lhasa-2026")]
    [InlineData("Zz9$Zz9$Zz")]
    public async Task CreateUser_WithAStrongPassword_IsAccepted_AndCanSignIn(string password)
    {
        var userName = $"strong.clerk{Interlocked.Increment(ref counter)}";

        await app.CreateAccountAsync(userName, Roles.CountyOrg, "542521", password);

        Assert.Equal(HttpStatusCode.OK, (await app.TokenAsync(userName, password)).StatusCode);
    }

    [Fact]
    public async Task Login_AfterNinetyDaysWithoutAPasswordChange_IsRefusedWithTheExpiryMessage()
    {
        var user = await app.CreateAccountAsync("expiry.clerk", Roles.CountyOrg, "542521");
        Assert.Equal(HttpStatusCode.OK, (await app.TokenAsync("expiry.clerk", TestData.Password)).StatusCode);

        app.Clock.Advance(TimeSpan.FromDays(91));
        var since = app.Clock.GetUtcNow().UtcDateTime;
        var response = await app.TokenAsync("expiry.clerk", TestData.Password);

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"expired password answered {(int)response.StatusCode}");
        Assert.Contains("90 天未修改", (await response.ProblemAsync()).Title, StringComparison.Ordinal);
        Assert.DoesNotContain("accessToken", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        var rows = await app.AuditAsync(a => a.UserId == user.Id && a.AtUtc >= since);
        Assert.Contains(rows, r => r.Event == AuditEvents.LoginFailure && r.Result == AuditResults.Denied);
    }
}

public sealed class PasswordTestsSqlite(SqliteApp app) : PasswordTests(app), IClassFixture<SqliteApp>;

public sealed class PasswordTestsPostgres(PostgresApp app) : PasswordTests(app), IClassFixture<PostgresApp>;

/// <summary>A stricter configured policy: 14 characters, lockout after 3 failures.</summary>
public abstract class ConfiguredPolicyTests(GrassrootsApp app)
{
    [Fact]
    public async Task CreateUser_WithAPasswordGoodEnoughForTheDefaultPolicy_IsRefusedBelowTheConfiguredLength()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => app.CreateAccountAsync("strict.clerk", Roles.CountyOrg, "542521", "Kq7#mVt2!pLx"));

        Assert.Contains(error.Errors["password"], m => m.Contains("至少需要 14 个字符", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateUser_WithAPasswordOfTheConfiguredLength_IsAccepted()
    {
        await app.CreateAccountAsync("strict.long", Roles.CountyOrg, "542521", "Kq7#mVt2!pLx-Wn");

        Assert.Equal(HttpStatusCode.OK, (await app.TokenAsync("strict.long", "Kq7#mVt2!pLx-Wn")).StatusCode);
    }

    [Fact]
    public async Task Lockout_FollowsTheConfiguredThreshold()
    {
        await app.CreateAccountAsync("strict.lock", Roles.CountyOrg, "542521", "Kq7#mVt2!pLx-Wn");

        for (var i = 0; i < 2; i++) Assert.Equal("账号或密码错误。", (await (await app.TokenAsync("strict.lock", "Wrong-password-1")).ProblemAsync()).Title);
        var third = await app.TokenAsync("strict.lock", "Wrong-password-1");
        var right = await app.TokenAsync("strict.lock", "Kq7#mVt2!pLx-Wn");

        Assert.Contains("已锁定", (await third.ProblemAsync()).Title, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("已锁定", (await right.ProblemAsync()).Title, StringComparison.Ordinal);
    }
}

public sealed class StrictSqliteApp() : GrassrootsApp(TestDatabase.Sqlite)
{
    protected override void ConfigureSettings(IWebHostBuilder builder) => StrictPolicy.Apply(builder);
}

public sealed class StrictPostgresApp() : GrassrootsApp(TestDatabase.Postgres)
{
    protected override void ConfigureSettings(IWebHostBuilder builder) => StrictPolicy.Apply(builder);
}

static class StrictPolicy
{
    public static void Apply(IWebHostBuilder builder)
    {
        builder.UseSetting("Grassroots:Security:PasswordMinLength", "14");
        builder.UseSetting("Grassroots:Security:MaxFailedAttempts", "3");
    }
}

public sealed class ConfiguredPolicyTestsSqlite(StrictSqliteApp app) : ConfiguredPolicyTests(app), IClassFixture<StrictSqliteApp>;

public sealed class ConfiguredPolicyTestsPostgres(StrictPostgresApp app) : ConfiguredPolicyTests(app), IClassFixture<StrictPostgresApp>;
