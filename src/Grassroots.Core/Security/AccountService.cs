using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Regions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Security;

public enum LoginOutcome
{
    Success,
    Failed,
    LockedOut,
    Disabled,
    PasswordExpired,
}

public sealed record LoginResult(LoginOutcome Outcome, AppUser? User, string Message)
{
    public bool Succeeded => Outcome == LoginOutcome.Success;
}

/// <summary>Passwords, lockout, account creation and role rules (三员分立). Every sign-in attempt is audited.</summary>
public sealed class AccountService(
    GrassrootsDb db, UserManager<AppUser> users, SignInManager<AppUser> signIn, CurrentUser current, TimeProvider clock, IOptions<SecurityOptions> options)
{
    /// <summary>Checks the password with lockout on; writes login.success / login.failure / login.locked-out.</summary>
    public async Task<LoginResult> CheckPasswordAsync(string? userName, string? password, CancellationToken ct)
    {
        const string wrong = "账号或密码错误。";
        var name = (userName ?? "").Trim();
        if (name.Length == 0 || string.IsNullOrEmpty(password)) return new(LoginOutcome.Failed, null, "请输入账号和密码。");
        var user = await users.FindByNameAsync(name);
        if (user is null)
        {
            await AuditAsync(AuditEvents.LoginFailure, null, name.Length > 64 ? name[..64] : name, AuditResults.Failure, "账号不存在", ct);
            return new(LoginOutcome.Failed, null, wrong);
        }
        if (user.IsDisabled)
        {
            await AuditAsync(AuditEvents.LoginFailure, user.Id, user.UserName!, AuditResults.Failure, "账号已停用", ct);
            return new(LoginOutcome.Disabled, null, "账号已停用，请联系系统管理员。");
        }
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            await AuditAsync(AuditEvents.LockedOut, user.Id, user.UserName!, AuditResults.Denied, "账号锁定期间尝试登录或失败次数达到上限", ct);
            return new(LoginOutcome.LockedOut, null, $"登录失败次数过多，账号已锁定，请 {options.Value.LockoutMinutes} 分钟后再试。");
        }
        if (!result.Succeeded)
        {
            await AuditAsync(AuditEvents.LoginFailure, user.Id, user.UserName!, AuditResults.Failure, "密码错误", ct);
            return new(LoginOutcome.Failed, null, wrong);
        }
        var expiry = options.Value.PasswordExpiryDays;
        if (expiry > 0 && user.PasswordChangedAtUtc.AddDays(expiry) < clock.GetUtcNow().UtcDateTime)
        {
            await AuditAsync(AuditEvents.LoginFailure, user.Id, user.UserName!, AuditResults.Denied, "密码已过期", ct);
            return new(LoginOutcome.PasswordExpired, user, $"密码已超过 {expiry} 天未修改，请先修改密码。");
        }
        await AuditAsync(AuditEvents.LoginSuccess, user.Id, user.UserName!, AuditResults.Success, null, ct);
        return new(LoginOutcome.Success, user, "");
    }

    /// <summary>Changes a password after checking the current one; resets the expiry clock.</summary>
    public async Task ChangePasswordAsync(AppUser user, string current, string next, CancellationToken ct)
    {
        var r = await users.ChangePasswordAsync(user, current, next);
        if (!r.Succeeded) throw new ValidationException("newPassword", string.Join(" ", r.Errors.Select(e => e.Description)));
        user.PasswordChangedAtUtc = clock.GetUtcNow().UtcDateTime;
        await users.UpdateAsync(user);
        await AuditAsync(AuditEvents.PasswordChange, user.Id, user.UserName!, AuditResults.Success, null, ct);
    }

    /// <summary>
    /// Creates an account. Roles must respect 三员分立; business roles need a scope region that exists; a stationed
    /// cadre's account (<see cref="Roles.Cadre"/>) instead belongs to one cadre (<paramref name="personId"/>, one account
    /// per person) and has no region scope. Throws <see cref="ValidationException"/> with Chinese messages.
    /// </summary>
    public async Task<AppUser> CreateUserAsync(string userName, string displayName, string password, IReadOnlyCollection<string> roles, string? scopeCode, CancellationToken ct, Guid? personId = null)
    {
        var errors = new ValidationErrors();
        if (roles.Count == 0) errors.Add("roles", "至少需要一个角色。");
        if (Roles.CheckCombination(roles) is { } roleError) errors.Add("roles", roleError);
        var isAdmin = roles.Any(Roles.Administrators.Contains);
        var isCadre = roles.Contains(Roles.Cadre);
        if (isAdmin && !string.IsNullOrWhiteSpace(scopeCode)) errors.Add("scope", "三员管理员不查看人员数据，不能设置数据范围。");
        if (!isCadre && personId is not null) errors.Add("person", "只有驻村干部账号关联本人的人员信息。");
        if (isCadre)
        {
            if (!string.IsNullOrWhiteSpace(scopeCode)) errors.Add("scope", "驻村干部账号只看本人和本工作队，不设置数据范围。");
            if (personId is not { } pid) errors.Add("person", "驻村干部账号必须关联本人的人员信息。");
            else if (await db.People.IgnoreQueryFilters().Where(p => p.Id == pid).Select(p => (People.PersonKind?)p.Kind).FirstOrDefaultAsync(ct) is not { } kind)
                errors.Add("person", "关联的人员不存在。");
            else if (kind != People.PersonKind.Cadre) errors.Add("person", "只有驻村干部可以开设驻村干部账号。");
            else if (await db.Users.AnyAsync(u => u.PersonId == pid, ct)) errors.Add("person", "该干部已有账号，每人只能有一个账号。");
        }
        else if (!isAdmin)
        {
            if (string.IsNullOrWhiteSpace(scopeCode)) errors.Add("scope", "业务账号必须设置数据范围（区划代码）。");
            else if (RegionCatalog.Embedded.Find(scopeCode.Trim()) is null && !await db.Regions.AnyAsync(r => r.Code == RegionCode.Parse(scopeCode.Trim()), ct))
                errors.Add("scope", $"区划代码“{scopeCode}”不存在。");
        }
        errors.ThrowIfAny();

        await EnsureRolesAsync(ct);
        var user = new AppUser
        {
            UserName = userName.Trim(),
            DisplayName = displayName.Trim(),
            ScopeCode = isAdmin || isCadre ? null : scopeCode!.Trim(),
            PersonId = isCadre ? personId : null,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            PasswordChangedAtUtc = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            var e = new ValidationErrors();
            foreach (var err in created.Errors) e.Add(err.Code.StartsWith("Password", StringComparison.Ordinal) || err.Code == "BreachedPassword" ? "password" : "userName", err.Description);
            e.ThrowIfAny();
        }
        var added = await users.AddToRolesAsync(user, roles);
        if (!added.Succeeded) throw new ValidationException("roles", string.Join(" ", added.Errors.Select(x => x.Description)));
        return user;
    }

    /// <summary>Adds a role to an existing account, refusing combinations that break 三员分立.</summary>
    public async Task AddRoleAsync(AppUser user, string role, CancellationToken ct)
    {
        var existing = await users.GetRolesAsync(user);
        if (Roles.CheckCombination([.. existing, role]) is { } error) throw new ValidationException("roles", error);
        await EnsureRolesAsync(ct);
        var r = await users.AddToRoleAsync(user, role);
        if (!r.Succeeded) throw new ValidationException("roles", string.Join(" ", r.Errors.Select(x => x.Description)));
        await users.UpdateSecurityStampAsync(user);
    }

    public async Task EnsureRolesAsync(CancellationToken ct)
    {
        var existing = await db.Roles.Select(r => r.Name).ToListAsync(ct);
        foreach (var role in Roles.All.Except(existing!))
        {
            db.Roles.Add(new AppRole(role!) { NormalizedName = role!.ToUpperInvariant(), ConcurrencyStamp = Guid.NewGuid().ToString() });
        }
        await db.SaveChangesAsync(ct);
    }

    async Task AuditAsync(string evt, Guid? userId, string userName, string result, string? detail, CancellationToken ct)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserId = userId,
            UserName = userName,
            Event = evt,
            ObjectType = nameof(AppUser),
            ObjectId = userId?.ToString(),
            Result = result,
            ClientAddress = current.ClientAddress,
            Detail = detail,
        });
        await db.SaveChangesAsync(ct);
    }
}
