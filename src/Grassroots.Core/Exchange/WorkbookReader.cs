using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Common;

namespace Grassroots.Exchange;

/// <summary>A cell as read: its text and whether Excel stored it as a number (or a date, t="d").</summary>
internal readonly record struct RawCell(string Text, bool IsNumber, bool IsIsoDate = false)
{
    public bool IsBlank => string.IsNullOrWhiteSpace(Text);
}

/// <summary>A data row: its row number as Excel shows it, and the cells of the recognised columns by field.</summary>
internal sealed record SheetRow(uint Number, Dictionary<string, RawCell> Cells);

/// <summary>The data sheet of an upload: where the header is, which column holds which field, the rows below it.</summary>
internal sealed class DataSheet
{
    public required string SheetName { get; init; }
    public required string RelationshipId { get; init; }
    public required uint HeaderRow { get; init; }
    /// <summary>Column index (1 = A) → column definition.</summary>
    public required Dictionary<int, ImportColumn> Columns { get; init; }
    /// <summary>The column of a “错误原因” header left by an earlier round, or null.</summary>
    public int? ErrorColumn { get; init; }
    public required int LastColumn { get; init; }
    public List<SheetRow> Rows { get; } = [];

    public int? ColumnOf(string field) => Columns.FirstOrDefault(c => c.Value.Field == field) is { Value: not null } kv ? kv.Key : null;
}

/// <summary>
/// Reads the people rows out of an uploaded workbook (already checked by <see cref="XlsxUpload"/>). The data sheet is
/// the first visible sheet with a row, among its first 10, that holds both 姓名 and 身份证号码; columns are matched by
/// header name, so they may be in any order, and unknown columns (序号, 错误原因 …) are ignored. Rows stream through a
/// SAX reader; blank rows are skipped; more than the row limit is refused.
/// </summary>
internal static class WorkbookReader
{
    const int HeaderSearchRows = 10;

    public static DataSheet Read(Stream content, ImportOptions options)
    {
        using var doc = OpenChecked(content);
        var wb = doc.WorkbookPart ?? throw FileError("文件中没有工作簿内容。");
        var shared = SharedStrings(wb.SharedStringTablePart);
        var sheets = wb.Workbook?.Sheets?.Elements<Sheet>() ?? [];
        foreach (var sheet in sheets)
        {
            if (sheet.State is { } state && state.Value != SheetStateValues.Visible) continue;
            if (sheet.Id?.Value is not { } relId || wb.GetPartById(relId) is not WorksheetPart part) continue;
            var found = ReadSheet(part, sheet.Name?.Value ?? "", relId, shared, options);
            if (found is not null)
            {
                if (found.Rows.Count == 0) throw FileError($"工作表“{found.SheetName}”的列名下面没有人员数据。");
                return found;
            }
        }
        throw FileError("未找到人员数据：没有哪个工作表的前 10 行同时含有“姓名”和“身份证号码”列名。请使用系统提供的导入模板。");
    }

    static SpreadsheetDocument OpenChecked(Stream content)
    {
        try
        {
            content.Position = 0;
            return SpreadsheetDocument.Open(content, false, new OpenSettings { MaxCharactersInPart = 400_000_000 });
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or System.Xml.XmlException or FileFormatException)
        {
            throw FileError("文件无法作为 Excel 工作簿（.xlsx）打开，可能已损坏。请在 Excel 中打开并重新保存后再上传。");
        }
    }

    static ValidationException FileError(string message) => new("file", message);

    static DataSheet? ReadSheet(WorksheetPart part, string name, string relId, List<string> shared, ImportOptions options)
    {
        using var reader = OpenXmlReader.Create(part);
        DataSheet? sheet = null;
        uint previous = 0;
        var scanned = 0;
        while (reader.Read())
        {
            if (reader.ElementType != typeof(Row) || !reader.IsStartElement) continue;
            var row = (Row)reader.LoadCurrentElement()!;
            var number = row.RowIndex?.Value ?? previous + 1;
            previous = number;
            var cells = Cells(row, shared);
            if (sheet is null)
            {
                if (++scanned > HeaderSearchRows) return null;
                sheet = TryHeader(cells, name, relId, number);
                continue;
            }
            var values = new Dictionary<string, RawCell>(StringComparer.Ordinal);
            foreach (var (col, column) in sheet.Columns)
                if (cells.TryGetValue(col, out var cell)) values[column.Field] = cell;
            if (values.Values.All(v => v.IsBlank)) continue;
            if (sheet.Rows.Count >= options.MaxRows)
                throw FileError($"文件中的人员超过单次导入上限 {options.MaxRows} 行，请拆分成几个文件分批导入。");
            sheet.Rows.Add(new SheetRow(number, values));
        }
        return sheet;
    }

    static DataSheet? TryHeader(Dictionary<int, RawCell> cells, string sheetName, string relId, uint number)
    {
        var columns = new Dictionary<int, ImportColumn>();
        int? errorColumn = null;
        foreach (var (col, cell) in cells.OrderBy(c => c.Key))
        {
            if (ImportColumn.Normalise(cell.Text) == ImportColumns.ErrorHeader) { errorColumn = col; continue; }
            if (ImportColumns.Find(cell.Text) is { } column) columns[col] = column;
        }
        if (!columns.Values.Any(c => c.Field == "name") || !columns.Values.Any(c => c.Field == "idNumber")) return null;

        var duplicate = columns.GroupBy(c => c.Value.Field).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw FileError($"列“{duplicate.First().Value.Header}”出现了不止一次（第 {string.Join("、", duplicate.Select(d => Xlsx.ColumnName(d.Key)))} 列），请只保留一列。");
        var missing = ImportColumns.All.Where(c => c.Required && !columns.Values.Contains(c)).Select(c => c.Header).ToList();
        if (!columns.Values.Any(c => c.Field is "unitId" or "communityId")) missing.Add("工作单位（或所在社区）");
        if (missing.Count > 0)
            throw FileError($"工作表“{sheetName}”缺少必填列：{string.Join("、", missing)}。列名须与导入模板一致，可从系统下载模板。");
        return new DataSheet
        {
            SheetName = sheetName,
            RelationshipId = relId,
            HeaderRow = number,
            Columns = columns,
            ErrorColumn = errorColumn,
            LastColumn = Math.Max(columns.Keys.Max(), cells.Keys.DefaultIfEmpty(0).Max()),
        };
    }

    /// <summary>Cells of a row by column index (1 = A); a cell without a reference follows the previous one.</summary>
    static Dictionary<int, RawCell> Cells(Row row, List<string> shared)
    {
        var result = new Dictionary<int, RawCell>();
        var col = 0;
        foreach (var cell in row.Elements<Cell>())
        {
            col = cell.CellReference?.Value is { } r ? Xlsx.ColumnIndex(r) : col + 1;
            result[col] = Value(cell, shared);
        }
        return result;
    }

    static RawCell Value(Cell cell, List<string> shared)
    {
        var raw = cell.CellValue?.Text ?? "";
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
            return new(int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < shared.Count ? shared[i] : "", false);
        if (type == CellValues.InlineString) return new(ItemText(cell.InlineString), false);
        if (type == CellValues.Boolean) return new(raw == "1" ? "TRUE" : "FALSE", false);
        if (type == CellValues.String || type == CellValues.Error) return new(raw, false);
        if (type == CellValues.Date) return new(raw, false, IsIsoDate: true);
        return new(raw, raw.Length > 0);
    }

    /// <summary>The visible text of a shared or inline string: plain and rich-text runs, without phonetic guides.</summary>
    static string ItemText(OpenXmlElement? item)
    {
        if (item is null) return "";
        var parts = item.Elements<Text>().Select(t => t.Text)
            .Concat(item.Elements<Run>().Select(r => r.Text?.Text ?? ""));
        return string.Concat(parts);
    }

    static List<string> SharedStrings(SharedStringTablePart? part)
    {
        var list = new List<string>();
        if (part is null) return list;
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
                list.Add(ItemText(reader.LoadCurrentElement()));
        }
        return list;
    }
}
