using Grassroots.People;

namespace Grassroots.Security;

/// <summary>
/// Who is acting in this request or command, and what they may see. Built on the server from the account
/// (never from request parameters) for each request, so a role or scope change applies at once.
/// </summary>
public sealed class CurrentUser
{
    /// <summary>A scope prefix that matches no region path: administrators and anonymous users see no people.</summary>
    public const string NoScope = "\u0001none";

    public Guid? Id { get; private set; }
    public string UserName { get; private set; } = "anonymous";
    public string DisplayName { get; private set; } = "";
    public IReadOnlySet<string> Roles { get; private set; } = new HashSet<string>();
    /// <summary>Region path prefix of the scope, e.g. <c>/540000/542500/542521/</c>; <see cref="NoScope"/> for none.</summary>
    public string ScopePath { get; private set; } = NoScope;
    public string? ScopeCode { get; private set; }
    public PersonKind? KindLimit { get; private set; }
    /// <summary>The person behind a stationed cadre's account; null for every other account.</summary>
    public Guid? PersonId { get; private set; }
    public string? ClientAddress { get; set; }

    public bool IsAuthenticated => Id is not null;
    public bool HasScope => ScopePath != NoScope;
    public bool IsInRole(string role) => Roles.Contains(role);

    public void SignedIn(AppUser user, IEnumerable<string> roles, string? scopePath)
    {
        Id = user.Id;
        UserName = user.UserName ?? "";
        DisplayName = user.DisplayName;
        Roles = roles.ToHashSet();
        var isAdmin = Roles.Overlaps(Security.Roles.Administrators);
        ScopeCode = isAdmin ? null : user.ScopeCode;
        ScopePath = isAdmin || scopePath is null || !Roles.Overlaps(Security.Roles.RegistryStaff) ? NoScope : scopePath;
        KindLimit = Security.Roles.KindLimit(Roles);
        PersonId = Roles.Contains(Security.Roles.Cadre) ? user.PersonId : null;
    }

    /// <summary>
    /// The account a request's token names, not yet read from the database: set only on an endpoint that checks the
    /// account itself in the same transaction as its write (a check-in, see <c>CheckInBatchWriter</c>). Until then the
    /// request has no roles and no scope; the security stamp the token carries is compared there.
    /// </summary>
    public string? UncheckedSecurityStamp { get; private set; }

    public bool AccountUnchecked { get; private set; }

    public void Claimed(Guid id, string userName, string? securityStamp)
    {
        Id = id;
        UserName = userName;
        DisplayName = userName;
        AccountUnchecked = true;
        UncheckedSecurityStamp = securityStamp;
    }

    /// <summary>The command-line and background jobs: sees everything, named in the audit trail.</summary>
    public static CurrentUser System(string name = "system") => new()
    {
        UserName = name,
        DisplayName = name,
        ScopePath = "/",
        Roles = new HashSet<string>(),
    };

    /// <summary>Sets a system actor's name (e.g. the OS user running the CLI).</summary>
    public void ActAsSystem(string name)
    {
        UserName = name;
        DisplayName = name;
        ScopePath = "/";
    }
}
