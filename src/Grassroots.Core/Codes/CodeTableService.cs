using System.Globalization;
using System.Text.RegularExpressions;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Codes;

public sealed record CodeEntryDto(string Table, string Code, string Name, string? ParentCode, bool IsSelectable, DateOnly? ValidFrom, DateOnly? ValidTo, bool IsBuiltIn);

/// <summary>
/// Lists code tables and lets a customer extend them: a new table (such as an organisation department's ZB09
/// 职务层次), new codes in a national table, or a stop date on a code no longer in use.
/// </summary>
/// <remarks>
/// The import file is UTF-8 CSV with the header <c>code,name</c>, optionally followed by <c>parent_code</c>,
/// <c>valid_from</c>, <c>valid_to</c> (dates yyyy-MM-dd); no quoting, so no commas inside fields. It is all or
/// nothing: every line is checked first and any error refuses the whole file, naming the line. An existing code
/// is updated; the national standard's own codes (<see cref="CodeEntry.IsBuiltIn"/>) keep their names and may only
/// get validity dates. Only the system administrator (or the command line) may change code tables.
/// </remarks>
public sealed partial class CodeTableService(GrassrootsDb db, CurrentUser user)
{
    [GeneratedRegex(@"^[A-Za-z0-9._\-]{1,20}$")]
    private static partial Regex CodePattern();

    public async Task<IReadOnlyList<CodeEntryDto>> ListAsync(string? table, CancellationToken ct)
    {
        var query = db.Codes.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(table)) { var t = table.Trim(); query = query.Where(c => c.Table == t); }
        var rows = await query.OrderBy(c => c.Table).ThenBy(c => c.SortOrder).ThenBy(c => c.Code).ToListAsync(ct);
        return rows.Select(c => new CodeEntryDto(c.Table, c.Code, c.Name, c.ParentCode, c.IsSelectable, c.ValidFrom, c.ValidTo, c.IsBuiltIn)).ToList();
    }

    /// <summary>Imports codes into <paramref name="table"/>; returns (added, updated). Throws <see cref="ValidationException"/> keyed by line.</summary>
    public async Task<(int Added, int Updated)> ImportAsync(string table, TextReader csv, CancellationToken ct)
    {
        if (!(user.IsInRole(Roles.SystemAdmin) || (user.Id is null && user.ScopePath == "/")))
            throw new ForbiddenException("只有系统管理员可以维护代码表。");
        var errors = new ValidationErrors();
        table = table.Trim();
        if (table.Length is 0 or > 50 || table.Any(char.IsControl)) errors.Add("table", "代码表名称应为 1–50 个字符。");
        errors.ThrowIfAny();

        var existing = await db.Codes.Where(c => c.Table == table).ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, ct);
        var header = (await csv.ReadLineAsync(ct))?.Trim().TrimStart('\uFEFF');
        var columns = header?.Split(',').Select(h => h.Trim().ToLowerInvariant()).ToArray() ?? [];
        string[] allowed = ["code", "name", "parent_code", "valid_from", "valid_to"];
        if (columns.Length < 2 || columns[0] != "code" || columns[1] != "name" || !columns.SequenceEqual(allowed.Take(columns.Length)))
            throw new ValidationException("file", "第 1 行应为列名 code,name[,parent_code[,valid_from[,valid_to]]]。");

        var rows = new List<(int Line, string Code, string Name, string? Parent, DateOnly? From, DateOnly? To)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNo = 1;
        while (await csv.ReadLineAsync(ct) is { } line)
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            var key = $"第{lineNo}行";
            var f = line.Split(',').Select(x => x.Trim()).ToArray();
            if (f.Length != columns.Length) { errors.Add(key, $"应有 {columns.Length} 列，实际 {f.Length} 列（字段中不能含逗号）。"); continue; }
            var code = f[0];
            var name = f[1];
            if (!CodePattern().IsMatch(code)) errors.Add(key, $"代码“{code}”应为 1–20 位字母、数字或 . _ -。");
            else if (seen.TryGetValue(code, out var first)) errors.Add(key, $"代码“{code}”与第 {first} 行重复。");
            else seen[code] = lineNo;
            if (name.Length is 0 or > 100 || name.Any(char.IsControl)) errors.Add(key, "名称应为 1–100 个字。");
            var parent = f.Length > 2 && f[2].Length > 0 ? f[2] : null;
            DateOnly? from = f.Length > 3 ? Date(f[3], key, "启用日期") : null;
            DateOnly? to = f.Length > 4 ? Date(f[4], key, "停用日期") : null;
            if (from is { } a && to is { } b && a > b) errors.Add(key, "启用日期晚于停用日期。");
            if (existing.TryGetValue(code, out var old) && old.IsBuiltIn && old.Name != name)
                errors.Add(key, $"国家标准代码“{code} {old.Name}”不能改名，只能设置启用或停用日期。");
            rows.Add((lineNo, code, name, parent, from, to));
        }
        if (rows.Count == 0 && !errors.Any) errors.Add("file", "文件中没有代码。");
        foreach (var r in rows.Where(r => r.Parent is not null && !seen.ContainsKey(r.Parent) && !existing.ContainsKey(r.Parent)))
            errors.Add($"第{r.Line}行", $"上级代码“{r.Parent}”不在代码表“{table}”中。");
        errors.ThrowIfAny();

        var order = existing.Count == 0 ? 0 : existing.Values.Max(c => c.SortOrder) + 1;
        int added = 0, updated = 0;
        foreach (var r in rows)
        {
            if (existing.TryGetValue(r.Code, out var entry))
            {
                entry.Name = r.Name;
                entry.ParentCode = r.Parent ?? entry.ParentCode;
                entry.ValidFrom = r.From ?? entry.ValidFrom;
                entry.ValidTo = r.To ?? entry.ValidTo;
                updated++;
            }
            else
            {
                db.Codes.Add(new CodeEntry { Table = table, Code = r.Code, Name = r.Name, ParentCode = r.Parent, ValidFrom = r.From, ValidTo = r.To, SortOrder = order++ });
                added++;
            }
        }
        await db.SaveChangesAsync(ct);
        return (added, updated);

        DateOnly? Date(string text, string key, string what)
        {
            if (text.Length == 0) return null;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            errors.Add(key, $"{what}“{text}”应为 yyyy-MM-dd 格式。");
            return null;
        }
    }
}
