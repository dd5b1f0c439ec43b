using Grassroots.People;

namespace Grassroots.Security;

/// <summary>The roles of DOMAIN §0. An account's scope (a region subtree) comes with the account, never the request.</summary>
public static class Roles
{
    /// <summary>地委组织部.</summary>
    public const string PrefectureOrg = "prefecture-org";
    /// <summary>县委组织部 / 县驻村办.</summary>
    public const string CountyOrg = "county-org";
    /// <summary>乡镇.</summary>
    public const string Township = "township";
    /// <summary>民政局 / 城市社区党工委: the county's community workers only.</summary>
    public const string CivilAffairs = "civil-affairs";
    /// <summary>系统管理员: accounts and settings, no cadre data.</summary>
    public const string SystemAdmin = "system-admin";
    /// <summary>安全管理员: security policy, no cadre data, no audit.</summary>
    public const string SecurityAdmin = "security-admin";
    /// <summary>审计管理员: reads the audit trail, grants nothing, no cadre data.</summary>
    public const string AuditAdmin = "audit-admin";
    /// <summary>驻村干部: a stationed cadre's own account (linked to their person record); sees self and own team only,
    /// checks in, asks for leave and records the return.</summary>
    public const string Cadre = "cadre";

    public static readonly IReadOnlyList<string> All = [PrefectureOrg, CountyOrg, Township, CivilAffairs, SystemAdmin, SecurityAdmin, AuditAdmin, Cadre];

    /// <summary>三员分立: no account holds two of these, nor any of these with a business role.</summary>
    public static readonly IReadOnlySet<string> Administrators = new HashSet<string> { SystemAdmin, SecurityAdmin, AuditAdmin };

    /// <summary>Roles that read and edit the registry of people inside their scope.</summary>
    public static readonly IReadOnlySet<string> RegistryStaff = new HashSet<string> { PrefectureOrg, CountyOrg, Township, CivilAffairs };

    /// <summary>The offices that manage stationed cadres (S-MNG-7): the township daily, the county coordinating, the prefecture seeing all.</summary>
    public static readonly IReadOnlySet<string> ManageStaff = new HashSet<string> { PrefectureOrg, CountyOrg, Township };

    /// <summary>Roles that may reveal a full ID number (with a reason, audited).</summary>
    public static readonly IReadOnlySet<string> MayReveal = new HashSet<string> { PrefectureOrg, CountyOrg, CivilAffairs };

    public static string DisplayName(string role) => role switch
    {
        PrefectureOrg => "地委组织部",
        CountyOrg => "县委组织部",
        Township => "乡镇",
        CivilAffairs => "民政局",
        SystemAdmin => "系统管理员",
        SecurityAdmin => "安全管理员",
        AuditAdmin => "审计管理员",
        Cadre => "驻村干部",
        _ => role,
    };

    /// <summary>The kinds of people a role may see; null means all kinds.</summary>
    public static PersonKind? KindLimit(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet();
        return set.Contains(CivilAffairs) && !set.Overlaps([PrefectureOrg, CountyOrg, Township]) ? PersonKind.CommunityWorker : null;
    }

    /// <summary>Checks 三员分立 and known role names; returns a Chinese message or null when the set is allowed.</summary>
    public static string? CheckCombination(IReadOnlyCollection<string> roles)
    {
        foreach (var r in roles)
        {
            if (!All.Contains(r)) return $"未知角色“{r}”。";
        }
        var admins = roles.Where(Administrators.Contains).Distinct().ToList();
        if (admins.Count > 1)
            return $"系统管理员、安全管理员、审计管理员必须分立（三员分立），同一账号不能同时担任{string.Join("和", admins.Select(DisplayName))}。";
        if (admins.Count == 1 && roles.Distinct().Count() > 1)
            return $"{DisplayName(admins[0])}不能兼任业务角色（三员分立）。";
        if (roles.Contains(Cadre) && roles.Distinct().Count() > 1)
            return "驻村干部账号只用于本人签到和请销假，不能兼任管理角色（不能审批自己的请假）。";
        return null;
    }
}
