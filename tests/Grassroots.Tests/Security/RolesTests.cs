using Grassroots.People;
using Grassroots.Security;

namespace Grassroots.Tests.Security;

/// <summary>三员分立: the system, security and audit administrators are three separate accounts with no business role.</summary>
public sealed class RolesTests
{
    [Theory]
    [InlineData(Roles.PrefectureOrg)]
    [InlineData(Roles.CountyOrg)]
    [InlineData(Roles.Township)]
    [InlineData(Roles.CivilAffairs)]
    [InlineData(Roles.SystemAdmin)]
    [InlineData(Roles.SecurityAdmin)]
    [InlineData(Roles.AuditAdmin)]
    [InlineData(Roles.Cadre)]
    [InlineData(Roles.CountyOrg, Roles.CivilAffairs)]
    [InlineData(Roles.Township, Roles.CivilAffairs)]
    [InlineData(Roles.PrefectureOrg, Roles.CountyOrg, Roles.Township)]
    [InlineData(Roles.SystemAdmin, Roles.SystemAdmin)]
    public void CheckCombination_AllowsOneAdministratorAlone_OrAnyBusinessRoles(params string[] roles) =>
        Assert.Null(Roles.CheckCombination(roles));

    [Theory]
    [InlineData("系统管理员和安全管理员", Roles.SystemAdmin, Roles.SecurityAdmin)]
    [InlineData("系统管理员和审计管理员", Roles.SystemAdmin, Roles.AuditAdmin)]
    [InlineData("安全管理员和审计管理员", Roles.SecurityAdmin, Roles.AuditAdmin)]
    [InlineData("系统管理员和安全管理员和审计管理员", Roles.SystemAdmin, Roles.SecurityAdmin, Roles.AuditAdmin)]
    public void CheckCombination_RefusesTwoAdministratorRoles_NamingThem(string named, params string[] roles)
    {
        var message = Roles.CheckCombination(roles);

        Assert.NotNull(message);
        Assert.Contains("三员分立", message);
        Assert.Contains(named, message);
    }

    [Theory]
    [InlineData("系统管理员不能兼任业务角色（三员分立）。", Roles.SystemAdmin, Roles.CountyOrg)]
    [InlineData("安全管理员不能兼任业务角色（三员分立）。", Roles.PrefectureOrg, Roles.SecurityAdmin)]
    [InlineData("审计管理员不能兼任业务角色（三员分立）。", Roles.AuditAdmin, Roles.Township)]
    [InlineData("审计管理员不能兼任业务角色（三员分立）。", Roles.AuditAdmin, Roles.CivilAffairs)]
    [InlineData("系统管理员不能兼任业务角色（三员分立）。", Roles.SystemAdmin, Roles.Cadre)]
    public void CheckCombination_RefusesAnAdministratorWithABusinessRole(string expected, params string[] roles) =>
        Assert.Equal(expected, Roles.CheckCombination(roles));

    [Theory]
    [InlineData(Roles.Cadre, Roles.Township)]
    [InlineData(Roles.CountyOrg, Roles.Cadre)]
    [InlineData(Roles.Cadre, Roles.PrefectureOrg)]
    public void CheckCombination_KeepsAStationedCadresAccountApartFromTheOffices(params string[] roles) =>
        Assert.Contains("不能审批自己的请假", Roles.CheckCombination(roles));

    [Theory]
    [InlineData("root")]
    [InlineData("County-Org")]
    [InlineData("")]
    public void CheckCombination_RefusesUnknownRoles(string unknown)
    {
        Assert.Equal($"未知角色“{unknown}”。", Roles.CheckCombination([Roles.CountyOrg, unknown]));
    }

    [Fact]
    public void KindLimit_CivilAffairsAlone_SeesCommunityWorkersOnly()
    {
        Assert.Equal(PersonKind.CommunityWorker, Roles.KindLimit([Roles.CivilAffairs]));
    }

    [Theory]
    [InlineData]
    [InlineData(Roles.CountyOrg)]
    [InlineData(Roles.CivilAffairs, Roles.CountyOrg)]
    [InlineData(Roles.CivilAffairs, Roles.Township)]
    [InlineData(Roles.CivilAffairs, Roles.PrefectureOrg)]
    public void KindLimit_AnyOtherRegistryRole_LiftsTheLimit(params string[] roles) =>
        Assert.Null(Roles.KindLimit(roles));

    [Fact]
    public void RoleSets_KeepAdministratorsOutOfTheRegistry()
    {
        Assert.Empty(Roles.Administrators.Intersect(Roles.RegistryStaff));
        Assert.Empty(Roles.Administrators.Intersect(Roles.MayReveal));
        Assert.DoesNotContain(Roles.Township, Roles.MayReveal);
        Assert.DoesNotContain(Roles.Cadre, Roles.RegistryStaff);
        Assert.DoesNotContain(Roles.Cadre, Roles.ManageStaff);
        Assert.Equal(Roles.All.Order(StringComparer.Ordinal), Roles.Administrators.Union(Roles.RegistryStaff).Append(Roles.Cadre).Order(StringComparer.Ordinal));
    }
}
