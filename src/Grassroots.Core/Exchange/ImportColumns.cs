namespace Grassroots.Exchange;

/// <summary>How a column's cells are read.</summary>
public enum ImportCellKind
{
    Text,
    Date,
    /// <summary>Digits that must stay text (ID numbers, phones): a number cell may have lost digits.</summary>
    Digits,
}

/// <summary>
/// One column of the people import: the header a clerk sees, the <see cref="People.PersonInput"/> field it fills
/// (the validator's error key), whether it is required, how to fill it and the drop-down list that feeds it.
/// </summary>
public sealed record ImportColumn(
    string Header, string Field, bool Required, string Help, ImportCellKind Kind = ImportCellKind.Text, string? List = null, double Width = 12, params string[] Aliases)
{
    /// <summary>Header text reduced for matching: no spaces, no asterisk, no bracketed note (“姓名*”, “出生日期（yyyy-mm-dd）” match).</summary>
    public static string Normalise(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return "";
        var s = header.Trim();
        foreach (var (open, close) in new[] { ('（', '）'), ('(', ')') })
        {
            var i = s.IndexOf(open, StringComparison.Ordinal);
            if (i > 0 && s.IndexOf(close, i) is var j && j > i) s = s[..i] + s[(j + 1)..];
        }
        return new string(s.Where(c => !char.IsWhiteSpace(c) && c is not '*' and not '＊' and not '\u3000').ToArray());
    }

    public bool Matches(string normalisedHeader) =>
        Normalise(Header) == normalisedHeader || Aliases.Any(a => Normalise(a) == normalisedHeader);
}

/// <summary>The columns of the people import template, in template order. Clerks may reorder them; headers are matched by name.</summary>
public static class ImportColumns
{
    public const string ErrorHeader = "错误原因";

    public static readonly IReadOnlyList<ImportColumn> All =
    [
        new("人员类别", "kind", false, "驻村干部或社区工作者；不填时为驻村干部。", List: "kind", Width: 12, Aliases: ["类别"]),
        new("姓名", "name", true, "不超过 50 个字。", Width: 10),
        new("性别", "genderCode", true, "男或女（也可填代码 1、2），须与身份证号码第 17 位一致。", List: "gender", Width: 6),
        new("民族", "ethnicCode", true, "GB 3304 民族名称或两位代码，如“藏族”或“04”。", List: "ethnic", Width: 10),
        new("出生日期", "birthDate", false, "格式 yyyy-mm-dd（如 1988-03-14），也可为日期单元格；不填时取身份证号码中的出生日期，填写时须与之一致。", ImportCellKind.Date, Width: 12, Aliases: ["出生年月"]),
        new("身份证号码", "idNumber", true, "18 位公民身份号码，末位可为 X；本列已设为文本格式，请勿改为数字格式，否则 Excel 会丢失末几位。", ImportCellKind.Digits, Width: 21, Aliases: ["身份证号", "公民身份号码"]),
        new("政治面貌", "politicalStatusCode", true, "GB/T 4762 名称、简称或代码，如“中共党员”或“01”。", List: "political", Width: 12),
        new("入党时间", "partyJoinDate", false, "中共党员（含预备党员）填写；格式 yyyy-mm-dd，只知年月时填 yyyy-mm。", ImportCellKind.Date, Width: 12),
        new("参加工作时间", "workStartDate", false, "格式 yyyy-mm-dd，只知年月时填 yyyy-mm。", ImportCellKind.Date, Width: 12),
        new("学历", "educationCode", false, "GB/T 4658 具体学历名称或代码，如“大学本科毕业”或“21”（不能选“大学本科教育”等分类标题）。", List: "education", Width: 14),
        new("学位", "degreeCode", false, "GB/T 6864 学位名称或代码。", List: "degree", Width: 12),
        new("编制情况", "staffStatus", false, "在编、编外或试用期；不填时为在编。", List: "staff", Width: 10, Aliases: ["编制"]),
        new("工作单位", "unitId", false, "驻村干部必填：单位全称，须是您管辖范围内已登记的单位（见下拉列表）。人员的所属区划取自单位。", List: "unit", Width: 26, Aliases: ["单位"]),
        new("所在社区", "communityId", false, "社区工作者必填：社区名称或 12 位区划代码，须在您的管辖范围内。", List: "community", Width: 18, Aliases: ["社区"]),
        new("职务", "post", false, "不超过 100 个字。", Width: 14),
        new("职级", "rank", false, "不超过 50 个字。", Width: 10),
        new("条线", "line", false, "党群、经济、政法、农牧、科技或其他；不填时为其他。", List: "line", Width: 8),
        new("身体状况", "health", false, "能正常履职、履职受限或不能正常履职。", List: "health", Width: 14),
        new("籍贯", "homeCountyCode", false, "籍贯县的 6 位县级区划代码，如 542521。", ImportCellKind.Digits, Width: 10, Aliases: ["籍贯县"]),
        new("掌握语言", "languages", false, "多种语言用顿号分隔，如“汉语、藏语”。", Width: 14),
        new("联系电话", "phone", false, "11 位手机号码或带区号的固定电话。", ImportCellKind.Digits, Width: 14, Aliases: ["电话", "手机号码"]),
    ];

    public static ImportColumn? Find(string? header)
    {
        var n = ImportColumn.Normalise(header);
        return n.Length == 0 ? null : All.FirstOrDefault(c => c.Matches(n));
    }

    public static ImportColumn ByField(string field) => All.First(c => c.Field == field);
}
