namespace Grassroots.Security;

/// <summary>
/// Account security settings (section <c>Grassroots:Security</c>). Defaults follow MLPS 2.0 level 3 practice:
/// lockout after 5 failures for 15 minutes, passwords of at least 10 characters with upper and lower case,
/// a digit and a symbol, rotated every 90 days (0 turns expiry off), checked against a list of common
/// breached passwords; sessions end after 30 idle minutes and at most 12 hours after sign-in.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Grassroots:Security";

    public int MaxFailedAttempts { get; set; } = 5;
    public int LockoutMinutes { get; set; } = 15;
    public int PasswordMinLength { get; set; } = 10;
    public bool PasswordRequireDigit { get; set; } = true;
    public bool PasswordRequireLower { get; set; } = true;
    public bool PasswordRequireUpper { get; set; } = true;
    public bool PasswordRequireSymbol { get; set; } = true;
    public int PasswordExpiryDays { get; set; } = 90;
    public bool CheckBreachedPasswords { get; set; } = true;
    public int IdleTimeoutMinutes { get; set; } = 30;
    public int AbsoluteTimeoutHours { get; set; } = 12;
}
