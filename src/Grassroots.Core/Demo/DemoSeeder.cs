using Grassroots.Data;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Demo;

public sealed record DemoAccount(string UserName, string DisplayName, string Role, string? ScopeCode, string Description);

/// <summary>
/// The deterministic demo data set (DOMAIN.md, "Demo data set"): seeded on first start in demo mode only.
/// </summary>
public sealed class DemoSeeder(GrassrootsDb db, AccountService accounts, TimeProvider clock)
{
    public const string Password = "Grassroots-demo-2026";

    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        new("ali.prefecture", "阿里地委组织部", Roles.PrefectureOrg, "542500", "地委组织部（阿里地区全部）"),
        new("pulan.county", "普兰县委组织部", Roles.CountyOrg, "542521", "县委组织部（普兰县）"),
        new("zanda.county", "札达县委组织部", Roles.CountyOrg, "542522", "县委组织部（札达县）"),
        new("pulan.township", "普兰镇", Roles.Township, "542521100", "乡镇（普兰镇）"),
        new("dayu.civil", "大余县民政局", Roles.CivilAffairs, "360723", "民政局（大余县社区工作者）"),
        new("sysadmin", "系统管理员", Roles.SystemAdmin, null, "系统管理员（不查看人员数据）"),
        new("secadmin", "安全管理员", Roles.SecurityAdmin, null, "安全管理员（不查看人员数据）"),
        new("auditor", "审计管理员", Roles.AuditAdmin, null, "审计管理员（查询审计日志）"),
    ];

    /// <summary>Seeds once; returns false when the demo data set is already present.</summary>
    public async Task<bool> SeedAsync(CancellationToken ct)
    {
        if (await db.Users.AnyAsync(u => u.UserName == Accounts[0].UserName, ct)) return false;
        foreach (var a in Accounts)
            await accounts.CreateUserAsync(a.UserName, a.DisplayName, Password, [a.Role], a.ScopeCode, ct);
        _ = clock;
        return true;
    }
}
