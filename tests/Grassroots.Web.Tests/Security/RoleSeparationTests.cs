using System.Net;
using Grassroots.Common;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Grassroots.Web.Tests.Security.SecurityKit;

namespace Grassroots.Web.Tests.Security;

/// <summary>
/// 三员分立: the system, security and audit administrators are exclusive roles, held by no account together
/// and never with a business role; only the audit administrator reads the audit trail; none of them reads people.
/// </summary>
public abstract class RoleSeparationTests(GrassrootsApp app)
{
    public static TheoryData<string, string, string?> RefusedCombinations() => new()
    {
        { Roles.SystemAdmin, Roles.SecurityAdmin, null },
        { Roles.SystemAdmin, Roles.AuditAdmin, null },
        { Roles.SecurityAdmin, Roles.AuditAdmin, null },
        { Roles.SystemAdmin, Roles.CountyOrg, "542521" },
        { Roles.SecurityAdmin, Roles.PrefectureOrg, "542500" },
        { Roles.AuditAdmin, Roles.Township, "542521100" },
        { Roles.AuditAdmin, Roles.CivilAffairs, "360723" },
    };

    [Theory]
    [MemberData(nameof(RefusedCombinations))]
    public async Task CreateUser_WithAnAdminRoleAndAnotherRole_IsRefused(string first, string second, string? scope)
    {
        var userName = $"combo.{first}.{second}";

        var error = await Assert.ThrowsAsync<ValidationException>(() => app.WithAccountsAsync((accounts, _) =>
            accounts.CreateUserAsync(userName, "兼任", TestData.Password, [first, second], scope, Ct)));

        Assert.Contains(error.Errors["roles"], m => m.Contains("三员分立", StringComparison.Ordinal));
        Assert.False(await app.WithSystemDbAsync(db => db.Users.AnyAsync(u => u.UserName == userName, Ct)));
    }

    [Theory]
    [InlineData("sysadmin", Roles.AuditAdmin)]
    [InlineData("sysadmin", Roles.SecurityAdmin)]
    [InlineData("secadmin", Roles.AuditAdmin)]
    [InlineData("auditor", Roles.SystemAdmin)]
    [InlineData("auditor", Roles.CountyOrg)]
    [InlineData("pulan.county", Roles.SystemAdmin)]
    public async Task AddRole_ThatBreaksTheSeparation_IsRefusedAndChangesNothing(string userName, string role)
    {
        var (error, roles) = await app.WithAccountsAsync(async (accounts, sp) =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByNameAsync(userName))!;
            var before = await users.GetRolesAsync(user);
            var thrown = await Record.ExceptionAsync(() => accounts.AddRoleAsync(user, role, Ct));
            return (thrown, (Before: before.Order().ToArray(), After: (await users.GetRolesAsync(user)).Order().ToArray()));
        });

        var validation = Assert.IsType<ValidationException>(error);
        Assert.Contains(validation.Errors["roles"], m => m.Contains("三员分立", StringComparison.Ordinal));
        Assert.Equal(roles.Before, roles.After);
        Assert.DoesNotContain(role, roles.After);
    }

    [Fact]
    public async Task AuditLog_IsReadByTheAuditAdministrator()
    {
        var client = await app.SharedClientAsync("auditor");

        var response = await client.GetAsync("/api/audit?event=login.success", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("auditor", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sysadmin")]
    [InlineData("secadmin")]
    [InlineData("pulan.county")]
    [InlineData("ali.prefecture")]
    [InlineData("pulan.township")]
    [InlineData("dayu.civil")]
    public async Task AuditLog_IsRefusedToEveryoneElse(string user)
    {
        var client = await app.SharedClientAsync(user);

        var response = await client.GetAsync("/api/audit", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("login.success", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditLog_IsRefusedToAnonymousCallers()
    {
        var response = await app.AnonymousClient().GetAsync("/api/audit", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("sysadmin")]
    [InlineData("secadmin")]
    [InlineData("auditor")]
    public async Task Administrators_CannotReadPeople(string user)
    {
        var client = await app.SharedClientAsync(user);

        var list = await client.GetAsync("/api/people", Ct);
        var detail = await client.GetAsync($"/api/people/{app.Data.PulanCadre.Id}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, detail.StatusCode);
        Assert.DoesNotContain(app.Data.PulanCadre.Name, await list.Content.ReadAsStringAsync(Ct) + await detail.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedRequest_IsAudited_WithoutItsQueryString()
    {
        var client = await app.SharedClientAsync("secadmin");
        var target = $"GET /api/people/{app.Data.ZandaCadre.Id}";

        var response = await client.GetAsync($"/api/people/{app.Data.ZandaCadre.Id}?q=卓玛", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var rows = await app.WithSystemDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => a.Event == "access.denied" && a.UserName == "secadmin" && a.ObjectId == target).ToListAsync(Ct));
        var row = Assert.Single(rows);
        Assert.Equal("denied", row.Result);
        Assert.DoesNotContain("卓玛", row.ObjectId!, StringComparison.Ordinal);
    }
}

public sealed class RoleSeparationTestsSqlite(SqliteApp app) : RoleSeparationTests(app), IClassFixture<SqliteApp>;

public sealed class RoleSeparationTestsPostgres(PostgresApp app) : RoleSeparationTests(app), IClassFixture<PostgresApp>;
