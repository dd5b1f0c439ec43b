using Grassroots.Data;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Codes;

/// <summary>All code tables, loaded once per request or import: lookups by (table, code) and by name.</summary>
public sealed class CodeBook
{
    readonly Dictionary<string, Dictionary<string, CodeEntry>> tables;

    CodeBook(IEnumerable<CodeEntry> entries)
    {
        tables = entries.GroupBy(e => e.Table)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.SortOrder).ToDictionary(e => e.Code, StringComparer.Ordinal), StringComparer.Ordinal);
    }

    public static async Task<CodeBook> LoadAsync(GrassrootsDb db, CancellationToken ct) =>
        new(await db.Codes.AsNoTracking().ToListAsync(ct));

    public static CodeBook FromEntries(IEnumerable<CodeEntry> entries) => new(entries);

    public IReadOnlyCollection<CodeEntry> Table(string table) =>
        tables.TryGetValue(table, out var t) ? t.Values : [];

    /// <summary>Entries a user may choose on <paramref name="day"/> (not headings, within validity).</summary>
    public IEnumerable<CodeEntry> Selectable(string table, DateOnly day) =>
        Table(table).Where(e => e.IsSelectable && (e.ValidFrom is null || e.ValidFrom <= day) && (e.ValidTo is null || e.ValidTo >= day));

    public CodeEntry? Find(string table, string? code) =>
        code is not null && tables.TryGetValue(table, out var t) && t.TryGetValue(code.Trim(), out var e) ? e : null;

    public string NameOf(string table, string? code) => Find(table, code)?.Name ?? code ?? "";

    /// <summary>Finds by code, name or short name (for imports, where clerks type names).</summary>
    public CodeEntry? FindByCodeOrName(string table, string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !tables.TryGetValue(table, out var t)) return null;
        var s = text.Trim();
        if (t.TryGetValue(s, out var byCode)) return byCode;
        return t.Values.FirstOrDefault(e => e.Name == s || e.ShortName == s);
    }
}
