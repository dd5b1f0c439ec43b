using Microsoft.AspNetCore.Identity;

namespace Grassroots.Security;

/// <summary>
/// Refuses passwords that appear in public breach corpora or are built from the product's own name
/// (ASVS 5.0 V6.2). The list is embedded so the check works in closed government networks.
/// </summary>
public sealed class BreachedPasswordValidator(Microsoft.Extensions.Options.IOptions<SecurityOptions> options) : IPasswordValidator<AppUser>
{
    static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "123456", "123456789", "12345678", "password", "qwerty123", "qwerty", "111111", "123123", "1234567890", "1q2w3e4r",
        "000000", "abc123", "password1", "iloveyou", "aa123456", "woaini1314", "qq123456", "5201314", "Password@123", "P@ssw0rd",
        "P@ssw0rd123", "Passw0rd!", "Admin@123", "Admin@123456", "Abcd@1234", "Abc@123456", "Qwer@1234", "Aa123456!", "Welcome@123",
        "Root@123", "Test@123", "Huawei@123", "Changeme123!", "Zxcvbnm@123", "1qaz@WSX", "1qaz!QAZ", "!QAZ2wsx", "Qaz@123456",
    };

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        if (!options.Value.CheckBreachedPasswords || password is null) return Task.FromResult(IdentityResult.Success);
        var lowered = password.ToLowerInvariant();
        if (Common.Contains(password) || (user.UserName is { Length: > 3 } name && lowered.Contains(name.ToLowerInvariant(), StringComparison.Ordinal)))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "BreachedPassword",
                Description = "该密码是常见的弱密码、出现在公开泄露的密码库中或包含账号名，请换一个。",
            }));
        }
        return Task.FromResult(IdentityResult.Success);
    }
}

/// <summary>Identity's password messages in Chinese.</summary>
public sealed class ChineseIdentityErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) => new() { Code = nameof(PasswordTooShort), Description = $"密码至少需要 {length} 个字符。" };
    public override IdentityError PasswordRequiresDigit() => new() { Code = nameof(PasswordRequiresDigit), Description = "密码须包含数字。" };
    public override IdentityError PasswordRequiresLower() => new() { Code = nameof(PasswordRequiresLower), Description = "密码须包含小写字母。" };
    public override IdentityError PasswordRequiresUpper() => new() { Code = nameof(PasswordRequiresUpper), Description = "密码须包含大写字母。" };
    public override IdentityError PasswordRequiresNonAlphanumeric() => new() { Code = nameof(PasswordRequiresNonAlphanumeric), Description = "密码须包含符号（如 !@#-）。" };
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => new() { Code = nameof(PasswordRequiresUniqueChars), Description = $"密码至少需要 {uniqueChars} 个不同的字符。" };
    public override IdentityError DuplicateUserName(string userName) => new() { Code = nameof(DuplicateUserName), Description = $"账号“{userName}”已存在。" };
    public override IdentityError InvalidUserName(string? userName) => new() { Code = nameof(InvalidUserName), Description = $"账号“{userName}”无效，只能使用字母、数字和 . - _。" };
}
