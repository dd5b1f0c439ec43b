using System.Globalization;

namespace Grassroots.Matching;

/// <summary>A dispatch instance file that cannot be read; <see cref="Exception.Message"/> names the line and what is wrong.</summary>
public sealed class DispatchFormatException : FormatException
{
    /// <summary>Creates the exception for a problem on line <paramref name="lineNumber"/> (1-based).</summary>
    public DispatchFormatException(int lineNumber, string problem) : base($"第 {lineNumber} 行：{problem}")
    {
        LineNumber = lineNumber;
        Problem = problem;
    }

    /// <summary>The 1-based line number where the problem was found.</summary>
    public int LineNumber { get; }

    /// <summary>What is wrong, without the line number.</summary>
    public string Problem { get; }
}

/// <summary>
/// Reads the <c>grassroots-dispatch 1</c> format: a header line, then the <c>cost</c>, <c>villages</c>, <c>units</c> and
/// <c>cadres</c> sections in that order, fields separated by tabs; lines starting with <c>#</c> and blank lines are ignored.
/// </summary>
static class DispatchInstanceParser
{
    sealed class Lines(TextReader reader)
    {
        int number;
        public int LastNumber => number;

        /// <summary>The next content line split on tabs, or null at the end of the text.</summary>
        public (int Number, string[] Fields)? Next()
        {
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (line.Length == 0 || line.StartsWith('#') || string.IsNullOrWhiteSpace(line)) continue;
                return (number, line.Split('\t'));
            }
            return null;
        }

        public (int Number, string[] Fields) Require(string expected)
        {
            return Next() ?? throw new DispatchFormatException(number + 1, $"文件提前结束，缺少{expected}。");
        }
    }

    public static DispatchInstance Parse(TextReader reader)
    {
        var lines = new Lines(reader);
        var (headerLine, header) = lines.Require("文件头 “grassroots-dispatch 1”");
        var headerWords = string.Join('\t', header).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (headerWords.Length != 2 || headerWords[0] != "grassroots-dispatch")
            throw new DispatchFormatException(headerLine, "文件头应为 “grassroots-dispatch 1”。");
        if (headerWords[1] != "1")
            throw new DispatchFormatException(headerLine, $"不支持的格式版本 “{headerWords[1]}”，只支持 1。");

        var (costLine, cost) = lines.Require("cost 行");
        if (cost[0] != "cost") throw new DispatchFormatException(costLine, $"应为 cost 行（cost<TAB>mismatch=…<TAB>per_km=…），实为 “{cost[0]}”。");
        if (cost.Length != 3) throw new DispatchFormatException(costLine, $"cost 行应有 3 个字段，实有 {cost.Length} 个。");
        var mismatch = KeyedInt(costLine, cost[1], "mismatch");
        var perKm = KeyedInt(costLine, cost[2], "per_km");

        var villages = new List<DispatchVillage>();
        var villageIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (n, f) in Section(lines, "villages", "村", 8))
        {
            var id = Id(n, f[0], "村编号", villageIds);
            var members = Int(n, f[6], "队员名额");
            if (members < 1) throw new DispatchFormatException(n, $"队员名额至少为 1，实为 {members}。");
            villages.Add(new DispatchVillage(id, Text(n, f[1], "区域"), Text(n, f[2], "县"), Line(n, f[3], allowOther: false), Latitude(n, f[4]), Longitude(n, f[5]), members, Flag(n, f[7], "needs_speaker")));
        }

        var units = new List<DispatchUnit>();
        var unitIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (n, f) in Section(lines, "units", "派出单位", 5))
        {
            var id = Id(n, f[0], "单位编号", unitIds);
            units.Add(new DispatchUnit(id, Text(n, f[1], "区域"), Text(n, f[2], "县"), Latitude(n, f[3]), Longitude(n, f[4])));
        }

        var cadres = new List<DispatchCadre>();
        var cadreIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (n, f) in Section(lines, "cadres", "干部", 5))
        {
            var id = Id(n, f[0], "干部编号", cadreIds);
            var unit = Text(n, f[1], "派出单位编号");
            if (!unitIds.Contains(unit)) throw new DispatchFormatException(n, $"派出单位 “{unit}” 不在 units 段中。");
            cadres.Add(new DispatchCadre(id, unit, Line(n, f[2], allowOther: true), Flag(n, f[3], "fs_eligible"), Flag(n, f[4], "speaker")));
        }

        if (lines.Next() is { } extra)
            throw new DispatchFormatException(extra.Number, "cadres 段之后不应再有内容（条数与 cadres 行声明的不符？）。");
        return new DispatchInstance(mismatch, perKm, villages, units, cadres);
    }

    static IEnumerable<(int Number, string[] Fields)> Section(Lines lines, string name, string what, int fields)
    {
        var (n, head) = lines.Require($"{name} 段");
        if (head[0] != name) throw new DispatchFormatException(n, $"应为 {name} 段（{name}<TAB>条数），实为 “{head[0]}”。");
        if (head.Length != 2) throw new DispatchFormatException(n, $"{name} 行应有 2 个字段（{name}<TAB>条数），实有 {head.Length} 个。");
        var count = Int(n, head[1], $"{what}条数");
        if (count < 0) throw new DispatchFormatException(n, $"{what}条数不能为负数。");
        for (var i = 0; i < count; i++)
        {
            var (rowNumber, row) = lines.Next() ?? throw new DispatchFormatException(lines.LastNumber + 1, $"文件提前结束：{name} 段声明 {count} 条，只有 {i} 条。");
            if (row.Length != fields)
            {
                var hint = row.Length == 2 && (row[0] is "units" or "cadres") ? $"（{name} 段声明 {count} 条，只有 {i} 条？）" : "";
                throw new DispatchFormatException(rowNumber, $"{what}行应有 {fields} 个以制表符分隔的字段，实有 {row.Length} 个{hint}。");
            }
            yield return (rowNumber, row);
        }
    }

    static string Text(int n, string value, string field) =>
        value.Length > 0 && !string.IsNullOrWhiteSpace(value) ? value : throw new DispatchFormatException(n, $"{field}为空。");

    static string Id(int n, string value, string field, HashSet<string> seen)
    {
        var id = Text(n, value, field);
        return seen.Add(id) ? id : throw new DispatchFormatException(n, $"{field} “{id}” 重复。");
    }

    static int Int(int n, string value, string field) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
            ? i
            : throw new DispatchFormatException(n, $"{field}应为整数，实为 “{value}”。");

    static int KeyedInt(int n, string value, string key)
    {
        var prefix = key + "=";
        if (!value.StartsWith(prefix, StringComparison.Ordinal)) throw new DispatchFormatException(n, $"应为 {key}=整数，实为 “{value}”。");
        var i = Int(n, value[prefix.Length..], key);
        return i >= 0 ? i : throw new DispatchFormatException(n, $"{key} 不能为负数。");
    }

    static bool Flag(int n, string value, string field) => value switch
    {
        "0" => false,
        "1" => true,
        _ => throw new DispatchFormatException(n, $"{field} 应为 0 或 1，实为 “{value}”。"),
    };

    static WorkLine Line(int n, string value, bool allowOther) => value switch
    {
        "party" => WorkLine.Party,
        "economic" => WorkLine.Economic,
        "legal" => WorkLine.Legal,
        "agri" => WorkLine.Agri,
        "tech" => WorkLine.Tech,
        "other" when allowOther => WorkLine.Other,
        "other" => throw new DispatchFormatException(n, "村的条线不能为 other，应为 party、economic、legal、agri 或 tech。"),
        _ => throw new DispatchFormatException(n, allowOther
            ? $"条线应为 party、economic、legal、agri、tech 或 other，实为 “{value}”。"
            : $"条线应为 party、economic、legal、agri 或 tech，实为 “{value}”。"),
    };

    static double Degrees(int n, string value, string field, double limit)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            throw new DispatchFormatException(n, $"{field}应为数字（度），实为 “{value}”。");
        return Math.Abs(d) <= limit ? d : throw new DispatchFormatException(n, $"{field}应在 −{limit} 到 {limit} 度之间，实为 {value}。");
    }

    static double Latitude(int n, string value) => Degrees(n, value, "纬度", 90);
    static double Longitude(int n, string value) => Degrees(n, value, "经度", 180);
}
