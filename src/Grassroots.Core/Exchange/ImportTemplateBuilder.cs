using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Codes;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.People;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Exchange;

/// <summary>
/// Builds the people import template: a 说明 sheet (every column, required or not, its format, the code tables),
/// the 人员信息 sheet with the header row and drop-down lists, and a hidden 代码表 sheet that feeds the lists.
/// </summary>
/// <remarks>
/// The drop-downs come from the code tables in force today and, for units and communities, from those inside the
/// account's scope (the database's scope filter), so a clerk can only pick what the import will accept. The ID number,
/// phone and home county columns are formatted as text (<c>@</c>) so Excel keeps leading digits, the trailing X and all
/// 18 digits; the date columns are formatted <c>yyyy-mm-dd</c>, and the import accepts date cells and text alike.
/// </remarks>
public sealed class ImportTemplateBuilder(GrassrootsDb db, CurrentUser user, TimeProvider clock, IOptions<ImportOptions> options)
{
    public const string DataSheet = "人员信息";
    public const string HelpSheet = "说明";
    public const string ListSheet = "代码表";
    public const string FileName = "人员信息导入模板.xlsx";

    const uint STitle = 1, SNote = 2, STableHead = 3, STableBody = 4, SHead = 5, SHeadRequired = 6, SText = 7, SDate = 8;

    public async Task WriteAsync(Stream output, CancellationToken ct)
    {
        if (!user.Roles.Overlaps(Roles.RegistryStaff) && user.ScopePath != "/")
            throw new ForbiddenException("您的角色不能导入人员信息。");
        var lists = await ListsAsync(ct);
        var maxRows = options.Value.MaxRows;
        var maxMegabytes = options.Value.MaxUploadBytes / 1024.0 / 1024.0;

        using var doc = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var wb = doc.AddWorkbookPart();
        wb.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();

        var help = wb.AddNewPart<WorksheetPart>();
        help.Worksheet = HelpWorksheet(lists, maxRows, maxMegabytes);
        var data = wb.AddNewPart<WorksheetPart>();
        data.Worksheet = DataWorksheet(lists, maxRows);
        var hidden = wb.AddNewPart<WorksheetPart>();
        hidden.Worksheet = ListWorksheet(lists);

        var names = new DefinedNames();
        var col = 0;
        foreach (var (key, (title, values)) in lists)
        {
            col++;
            if (values.Count == 0) continue;
            var c = Xlsx.ColumnName(col);
            names.Append(new DefinedName($"'{ListSheet}'!${c}$2:${c}${values.Count + 1}") { Name = "list_" + key });
        }
        wb.Workbook = new Workbook(
            new BookViews(new WorkbookView { ActiveTab = 1 }),
            new Sheets(
                new Sheet { Id = wb.GetIdOfPart(help), SheetId = 1, Name = HelpSheet },
                new Sheet { Id = wb.GetIdOfPart(data), SheetId = 2, Name = DataSheet },
                new Sheet { Id = wb.GetIdOfPart(hidden), SheetId = 3, Name = ListSheet, State = SheetStateValues.Hidden }),
            names);
    }

    /// <summary>The drop-down lists by key (<see cref="ImportColumn.List"/>), with a title for the hidden sheet.</summary>
    async Task<Dictionary<string, (string Title, List<string> Values)>> ListsAsync(CancellationToken ct)
    {
        var codes = await CodeBook.LoadAsync(db, ct);
        var today = ChinaTime.Today(clock);
        List<string> Names(string table, bool shortName = false) =>
            codes.Selectable(table, today).Select(e => shortName ? e.ShortName ?? e.Name : e.Name).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Select(u => u.Name).Distinct().ToListAsync(ct);
        var communities = await db.Communities.AsNoTracking().Select(c => c.Name).Distinct().ToListAsync(ct);
        return new()
        {
            ["kind"] = ("人员类别", Enum.GetValues<PersonKind>().Select(PersonNames.Kind).ToList()),
            ["gender"] = ("性别", Names(CodeTables.Gender)),
            ["ethnic"] = ("民族", Names(CodeTables.Ethnic)),
            ["political"] = ("政治面貌", Names(CodeTables.Political, shortName: true)),
            ["education"] = ("学历", Names(CodeTables.Education)),
            ["degree"] = ("学位", Names(CodeTables.Degree)),
            ["staff"] = ("编制情况", Enum.GetValues<StaffStatus>().Select(PersonNames.Staff).ToList()),
            ["line"] = ("条线", Enum.GetValues<CadreLine>().Select(PersonNames.Line).ToList()),
            ["health"] = ("身体状况", Enum.GetValues<HealthStatus>().Select(h => PersonNames.Health(h)).ToList()),
            ["unit"] = ("工作单位", units.Order(StringComparer.Ordinal).ToList()),
            ["community"] = ("所在社区", communities.Order(StringComparer.Ordinal).ToList()),
        };
    }

    static Worksheet HelpWorksheet(Dictionary<string, (string Title, List<string> Values)> lists, int maxRows, double maxMegabytes)
    {
        const double widthA = 14, widthB = 12, widthC = 48, widthD = 52;
        var rows = new List<Row>();
        uint r = 0;
        Row Line(string text, uint style)
        {
            r++;
            var row = new Row(Xlsx.Text(1, r, text, style)) { RowIndex = r };
            if (style == SNote) Fit(row, Lines(text, widthA + widthB + widthC + widthD));
            return row;
        }
        rows.Add(Line("人员信息导入模板 使用说明", STitle));
        string[] notes =
        [
            $"1. 在“{DataSheet}”工作表中每行填写一人，第 1 行为列名，请勿修改列名；列的顺序可以调整，不需要的非必填列可以删除。",
            "2. 列名为红色的是必填列；驻村干部必须填写“工作单位”，社区工作者必须填写“所在社区”。",
            "3. 有下拉列表的列请从列表中选择；也可以填写代码表中的代码（如民族填“04”）。",
            $"4. 一次最多导入 {maxRows} 行，文件不超过 {maxMegabytes:0.#} MB。只接受 .xlsx 格式（.xls 请先另存为 .xlsx）。",
            "5. 导入是“全部或全不”：只要有一行有错误，整个文件都不会导入。系统会返回原文件并在最后增加“错误原因”列、标红出错的单元格，修改后重新上传即可（“错误原因”列可以保留，导入时会忽略）。",
            "6. 身份证号码会校验校验码，并与出生日期、性别核对；同一身份证号码已登记或在文件中重复出现的行会被拒绝。",
            "7. 人员的所属区划取自工作单位（或社区），只能导入您管辖范围内的人员。",
        ];
        foreach (var n in notes) rows.Add(Line(n, SNote));
        r += 2;
        rows.Add(new Row(new[] { "列名", "是否必填", "填写说明", "可选值" }.Select((t, i) => Xlsx.Text(i + 1, r, t, STableHead))) { RowIndex = r });
        foreach (var c in ImportColumns.All)
        {
            r++;
            var options = c.List is { } key && lists.TryGetValue(key, out var list)
                ? key is "unit" or "community"
                    ? list.Values.Count == 0 ? "（您的管辖范围内暂无，见下拉列表）" : $"见下拉列表（您管辖范围内共 {list.Values.Count} 个）"
                    : string.Join("、", list.Values)
                : "";
            var required = c.Required ? "必填" : c.Field is "unitId" ? "驻村干部必填" : c.Field is "communityId" ? "社区工作者必填" : "选填";
            var row = new Row(
                Xlsx.Text(1, r, c.Header, STableBody), Xlsx.Text(2, r, required, STableBody),
                Xlsx.Text(3, r, c.Help, STableBody), Xlsx.Text(4, r, options, STableBody))
            { RowIndex = r };
            Fit(row, Math.Max(Lines(c.Help, widthC), Lines(options, widthD)));
            rows.Add(row);
        }
        return new Worksheet(
            new SheetProperties(new PageSetupProperties { FitToPage = true }),
            new SheetViews(new SheetView { WorkbookViewId = 0 }),
            new SheetFormatProperties { DefaultRowHeight = 18 },
            new Columns(
                new Column { Min = 1, Max = 1, Width = widthA, CustomWidth = true },
                new Column { Min = 2, Max = 2, Width = widthB, CustomWidth = true },
                new Column { Min = 3, Max = 3, Width = widthC, CustomWidth = true },
                new Column { Min = 4, Max = 4, Width = widthD, CustomWidth = true }),
            new SheetData(rows),
            new MergeCells(Enumerable.Range(1, notes.Length + 1).Select(i => new MergeCell { Reference = $"A{i}:D{i}" })),
            new PageMargins { Left = 0.5, Right = 0.5, Top = 0.6, Bottom = 0.6, Header = 0.3, Footer = 0.3 },
            new PageSetup { PaperSize = 9, Orientation = OrientationValues.Landscape, FitToWidth = 1, FitToHeight = 0 });
    }

    /// <summary>Lines a wrapped text needs in a column of <paramref name="width"/> characters (CJK characters count double).</summary>
    static int Lines(string text, double width)
    {
        var units = text.Sum(c => c >= '\u2E80' ? 2 : 1);
        return Math.Max(1, (int)Math.Ceiling(units / Math.Max(1, width - 2)));
    }

    /// <summary>Spreadsheet programs do not grow rows for wrapped text on their own: set the height.</summary>
    static void Fit(Row row, int lines)
    {
        if (lines <= 1) return;
        row.Height = lines * 15 + 3;
        row.CustomHeight = true;
    }

    static Worksheet DataWorksheet(Dictionary<string, (string Title, List<string> Values)> lists, int maxRows)
    {
        var cols = ImportColumns.All;
        var last = (uint)maxRows + 1;
        var validations = new DataValidations();
        for (var i = 0; i < cols.Count; i++)
        {
            var c = cols[i];
            if (c.List is not { } key || lists[key].Values.Count == 0) continue;
            var loose = key is "unit" or "community"; // lists of the day; the import checks the name anyway
            var letter = Xlsx.ColumnName(i + 1);
            validations.Append(new DataValidation(new Formula1("list_" + key))
            {
                Type = DataValidationValues.List,
                AllowBlank = true,
                ShowErrorMessage = true,
                ShowInputMessage = true,
                ErrorStyle = loose ? DataValidationErrorStyleValues.Warning : DataValidationErrorStyleValues.Stop,
                ErrorTitle = c.Header,
                Error = loose ? $"“{c.Header}”不在您管辖范围内的名单中，导入时可能被拒绝。" : $"请从下拉列表中选择{c.Header}。",
                PromptTitle = c.Header,
                Prompt = Truncate(c.Help, 255),
                SequenceOfReferences = new ListValue<StringValue> { InnerText = $"{letter}2:{letter}{last}" },
            });
        }
        validations.Count = (uint)validations.ChildElements.Count;
        return new Worksheet(
            new SheetProperties(new PageSetupProperties { FitToPage = true }),
            new SheetViews(new SheetView(
                new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
                new DocumentFormat.OpenXml.Spreadsheet.Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
            { WorkbookViewId = 0, TabSelected = true }),
            new SheetFormatProperties { DefaultRowHeight = 18 },
            new Columns(cols.Select((c, i) => new Column
            {
                Min = (uint)(i + 1),
                Max = (uint)(i + 1),
                Width = c.Width,
                CustomWidth = true,
                Style = c.Kind switch { ImportCellKind.Digits => SText, ImportCellKind.Date => SDate, _ => SText },
            })),
            new SheetData(new Row(cols.Select((c, i) => Xlsx.Text(i + 1, 1, c.Header, c.Required ? SHeadRequired : SHead))) { RowIndex = 1, Height = 22, CustomHeight = true }),
            validations,
            new PageMargins { Left = 0.4, Right = 0.4, Top = 0.6, Bottom = 0.6, Header = 0.3, Footer = 0.3 },
            new PageSetup { PaperSize = 9, Orientation = OrientationValues.Landscape, FitToWidth = 1, FitToHeight = 0 });
    }

    static Worksheet ListWorksheet(Dictionary<string, (string Title, List<string> Values)> lists)
    {
        var max = lists.Values.Max(l => l.Values.Count);
        var rows = new List<Row>();
        for (uint r = 1; r <= max + 1; r++)
        {
            var row = new Row { RowIndex = r };
            var col = 0;
            foreach (var (_, (title, values)) in lists)
            {
                col++;
                var text = r == 1 ? title : r - 2 < values.Count ? values[(int)r - 2] : null;
                if (text is not null) row.Append(Xlsx.Text(col, r, text, 0));
            }
            rows.Add(row);
        }
        return new Worksheet(new SheetData(rows));
    }

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    static Stylesheet Styles()
    {
        var fonts = new Fonts(
            Xlsx.Font("宋体", 11),
            Xlsx.Font("黑体", 14, bold: true),
            Xlsx.Font("黑体", 11, bold: true),
            Xlsx.Font("黑体", 11, bold: true, rgb: "FFC00000"));
        var fills = new Fills(Xlsx.DefaultFills().Append(Xlsx.Solid("FFD9D9D9")));
        var borders = new Borders(new Border(), Xlsx.ThinBorder());
        var numberFormats = new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd" });
        var top = new Alignment { Vertical = VerticalAlignmentValues.Top, WrapText = true };
        var xfs = new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat((Alignment)top.CloneNode(true)) { ApplyAlignment = true },
            new CellFormat(Xlsx.Align(HorizontalAlignmentValues.Center)) { FontId = 2, FillId = 2, BorderId = 1, ApplyFont = true, ApplyFill = true, ApplyBorder = true, ApplyAlignment = true },
            new CellFormat((Alignment)top.CloneNode(true)) { BorderId = 1, ApplyBorder = true, ApplyAlignment = true },
            new CellFormat(Xlsx.Align(HorizontalAlignmentValues.Center)) { FontId = 2, FillId = 2, BorderId = 1, NumberFormatId = 49, ApplyFont = true, ApplyFill = true, ApplyBorder = true, ApplyAlignment = true, ApplyNumberFormat = true },
            new CellFormat(Xlsx.Align(HorizontalAlignmentValues.Center)) { FontId = 3, FillId = 2, BorderId = 1, NumberFormatId = 49, ApplyFont = true, ApplyFill = true, ApplyBorder = true, ApplyAlignment = true, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 49, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true });
        return new Stylesheet(numberFormats, fonts, fills, borders, new CellStyleFormats(new CellFormat()), xfs);
    }
}
