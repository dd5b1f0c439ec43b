using Grassroots.Common;
using Grassroots.Security;

namespace Grassroots.Regions;

/// <summary>Narrowing a list or a figure to one region inside the account's scope (the <c>region</c> filter of the lists).</summary>
public static class ScopeRegions
{
    /// <summary>
    /// The region <paramref name="code"/> names, when it lies inside the user's scope; null when no code is given (the
    /// whole scope). A malformed code is a 400 on <paramref name="field"/>; an unknown code or one outside the scope is
    /// a 404, as for any record outside it (no existence leak).
    /// </summary>
    public static Region? Find(CurrentUser user, string? code, string field = "region")
    {
        if (string.IsNullOrWhiteSpace(code)) return null;
        if (!RegionCode.TryParse(code.Trim(), out var parsed, out var error)) throw new ValidationException(field, error ?? "区划代码无效。");
        var region = RegionCatalog.Embedded.Find(parsed.Value.Value);
        if (region is null || !user.HasScope || !region.Path.StartsWith(user.ScopePath, StringComparison.Ordinal)) throw new NotFoundException($"区划 {parsed.Value}");
        return region;
    }

    /// <summary>The path a list is narrowed to: the region's, else the user's whole scope.</summary>
    public static string PathOf(CurrentUser user, Region? region) => region?.Path ?? user.ScopePath;
}
