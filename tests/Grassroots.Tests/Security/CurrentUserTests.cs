using Grassroots.People;
using Grassroots.Security;

namespace Grassroots.Tests.Security;

public sealed class CurrentUserTests
{
    const string PulanPath = "/540000/542500/542521/";

    static CurrentUser SignIn(string role, string? scopeCode, string? scopePath)
    {
        var user = new CurrentUser();
        user.SignedIn(new AppUser { UserName = "someone", DisplayName = "某人", ScopeCode = scopeCode }, [role], scopePath);
        return user;
    }

    [Fact]
    public void Anonymous_HasNoScope()
    {
        var user = new CurrentUser();

        Assert.False(user.IsAuthenticated);
        Assert.False(user.HasScope);
        Assert.Equal(CurrentUser.NoScope, user.ScopePath);
    }

    [Fact]
    public void CountyClerk_GetsTheCountysSubtree()
    {
        var user = SignIn(Roles.CountyOrg, "542521", PulanPath);

        Assert.True(user.IsAuthenticated);
        Assert.True(user.HasScope);
        Assert.Equal(PulanPath, user.ScopePath);
        Assert.Equal("542521", user.ScopeCode);
        Assert.Null(user.KindLimit);
        Assert.True(user.IsInRole(Roles.CountyOrg));
    }

    [Fact]
    public void CivilAffairs_IsLimitedToCommunityWorkers()
    {
        var user = SignIn(Roles.CivilAffairs, "360723", "/360000/360700/360723/");

        Assert.Equal(PersonKind.CommunityWorker, user.KindLimit);
    }

    [Theory]
    [InlineData(Roles.SystemAdmin)]
    [InlineData(Roles.SecurityAdmin)]
    [InlineData(Roles.AuditAdmin)]
    public void Administrators_SeeNoPeople_EvenWhenTheAccountNamesARegion(string role)
    {
        var user = SignIn(role, "542521", PulanPath);

        Assert.True(user.IsAuthenticated);
        Assert.False(user.HasScope);
        Assert.Equal(CurrentUser.NoScope, user.ScopePath);
        Assert.Null(user.ScopeCode);
    }

    [Fact]
    public void NoScopePrefix_MatchesNoRegionPath()
    {
        Assert.False("/540000/542500/542521/".StartsWith(CurrentUser.NoScope, StringComparison.Ordinal));
        Assert.False("/".StartsWith(CurrentUser.NoScope, StringComparison.Ordinal));
    }

    [Fact]
    public void System_SeesEverything_UnderItsName()
    {
        var user = CurrentUser.System("grassroots-cli");

        Assert.Equal("/", user.ScopePath);
        Assert.Equal("grassroots-cli", user.UserName);
        Assert.Null(user.Id);
    }
}
