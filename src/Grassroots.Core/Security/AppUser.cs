using Microsoft.AspNetCore.Identity;

namespace Grassroots.Security;

/// <summary>An account. Its scope is a region subtree (<see cref="ScopeCode"/>); administrators have none.</summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public AppUser()
    {
        Id = Guid.CreateVersion7();
        SecurityStamp = Guid.NewGuid().ToString();
    }

    public string DisplayName { get; set; } = "";
    /// <summary>Region code of the scope root (e.g. 542521 for Pulan county); null for administrators.</summary>
    public string? ScopeCode { get; set; }
    /// <summary>The person a stationed cadre's account (<see cref="Roles.Cadre"/>) belongs to; null for office and admin accounts.</summary>
    public Guid? PersonId { get; set; }
    public bool IsDisabled { get; set; }
    public DateTime PasswordChangedAtUtc { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

public sealed class AppRole : IdentityRole<Guid>
{
    public AppRole() => Id = Guid.CreateVersion7();

    public AppRole(string name) : this() => Name = name;
}
