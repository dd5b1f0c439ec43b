namespace Grassroots.Audit;

/// <summary>
/// One row of the audit trail: who, when (UTC), what, on which object, the result, the client address,
/// and for changes the values before and after (sensitive values masked). Append-only: the application
/// never updates or deletes a row.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public DateTime AtUtc { get; init; }
    public Guid? UserId { get; init; }
    public string UserName { get; init; } = "";
    public required string Event { get; init; }
    public string? ObjectType { get; init; }
    public string? ObjectId { get; init; }
    public string Result { get; init; } = AuditResults.Success;
    public string? ClientAddress { get; init; }
    public string? Before { get; init; }
    public string? After { get; init; }
    public string? Detail { get; init; }
}

public static class AuditResults
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Denied = "denied";
}

/// <summary>Event names written to the trail.</summary>
public static class AuditEvents
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string LoginSuccess = "login.success";
    public const string LoginFailure = "login.failure";
    public const string LockedOut = "login.locked-out";
    public const string Logout = "logout";
    public const string Reveal = "reveal";
    public const string Export = "export";
    public const string Import = "import";
    public const string AccessDenied = "access.denied";
    public const string PasswordChange = "password.change";
    public const string Purge = "audit.purge";

    public static string DisplayName(string e) => e switch
    {
        Create => "新增",
        Update => "修改",
        Delete => "删除",
        LoginSuccess => "登录成功",
        LoginFailure => "登录失败",
        LockedOut => "账号锁定",
        Logout => "退出登录",
        Reveal => "查看完整身份证号",
        Export => "导出",
        Import => "导入",
        AccessDenied => "越权访问",
        PasswordChange => "修改密码",
        Purge => "按期限清理审计日志",
        _ => e,
    };
}

/// <summary>Marks a property whose value is masked in audit snapshots (ID numbers, phones).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SensitiveAttribute : Attribute;
