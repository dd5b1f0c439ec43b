namespace Grassroots.Common;

/// <summary>One page of a list. <see cref="Total"/> counts every matching row in the user's scope.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize)
{
    public int PageCount => PageSize == 0 ? 0 : (Total + PageSize - 1) / PageSize;
}

public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    /// <summary>Clamps page (≥1) and page size (1..<see cref="MaxPageSize"/>).</summary>
    public static (int Page, int PageSize) Normalise(int? page, int? pageSize)
    {
        var p = page is null or < 1 ? 1 : page.Value;
        var s = pageSize is null or < 1 ? DefaultPageSize : Math.Min(pageSize.Value, MaxPageSize);
        return (p, s);
    }
}
