using Grassroots.Regions;

namespace Grassroots.Web.Components.Pages;

/// <summary>A region a filter offers, with its depth below the scope root (for indentation).</summary>
internal sealed record RegionChoice(Region Region, int Depth)
{
    public string Code => Region.Code.Value;

    public string Label => new string('\u3000', Depth) + Region.Name;

    /// <summary>The scope root and its descendants down to <paramref name="deepest"/>, in tree order.</summary>
    public static List<RegionChoice> UnderScope(Region? root, RegionLevel deepest)
    {
        var list = new List<RegionChoice>();
        void Walk(Region r, int depth)
        {
            if (r.Level > deepest) return;
            list.Add(new RegionChoice(r, depth));
            foreach (var c in RegionCatalog.Embedded.ChildrenOf(r.Code.Value)) Walk(c, depth + 1);
        }
        if (root is not null) Walk(root, 0);
        return list;
    }
}
