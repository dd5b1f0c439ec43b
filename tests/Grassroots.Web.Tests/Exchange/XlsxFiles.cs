using System.Globalization;
using System.IO.Compression;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Exchange;

namespace Grassroots.Web.Tests.Exchange;

/// <summary>Reads rosters back and builds import files, as a clerk's Excel would.</summary>
internal static class XlsxFiles
{
    public sealed record Roster(List<string> Header, List<List<string>> DataRows, List<string> AllText);

    /// <summary>The roster's header (row 4), its person rows and every cell text.</summary>
    public static Roster Read(byte[] bytes)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var ws = doc.WorkbookPart!.WorksheetParts.Single().Worksheet;
        var rows = ws.Descendants<Row>().ToList();
        List<string> Texts(Row r) => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToList();
        var header = Texts(rows.Single(r => r.RowIndex!.Value == 4));
        var data = rows.Where(r => r.RowIndex!.Value > 4).Select(Texts).Where(t => t.Count == header.Count).ToList();
        var all = rows.SelectMany(Texts).ToList();
        return new Roster(header, data, all);
    }

    /// <summary>Schema errors the OpenXML validator finds (Office 2019 rules); empty for a file Excel opens without repair.</summary>
    public static List<string> SchemaErrors(byte[] bytes)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        return new DocumentFormat.OpenXml.Validation.OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2019)
            .Validate(doc).Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
    }

    /// <summary>Every XML part of the package as text (to search for values that must not be there).</summary>
    public static string RawXml(byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes));
        return string.Concat(zip.Entries.Select(e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        }));
    }

    /// <summary>Adds rows under the header of the template's data sheet, each cell matched to its column by header name.</summary>
    public static byte[] FillTemplate(byte[] template, IEnumerable<Dictionary<string, string>> rows)
    {
        using var ms = new MemoryStream();
        ms.Write(template);
        using (var doc = SpreadsheetDocument.Open(ms, true))
        {
            var wb = doc.WorkbookPart!;
            var sheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == ImportTemplateBuilder.DataSheet);
            var ws = ((WorksheetPart)wb.GetPartById(sheet.Id!)).Worksheet;
            var data = ws.GetFirstChild<SheetData>()!;
            var headers = data.Elements<Row>().First().Elements<Cell>().Select(c => c.InlineString!.InnerText).ToList();
            uint r = 1;
            foreach (var values in rows)
            {
                r++;
                var row = new Row { RowIndex = r };
                for (var i = 0; i < headers.Count; i++)
                {
                    if (values.TryGetValue(headers[i], out var v) && v.Length > 0)
                        row.Append(TextCell(Grassroots.Exchange.Xlsx.ColumnName(i + 1) + r, v));
                }
                data.Append(row);
            }
            ws.Save();
        }
        return ms.ToArray();
    }

    /// <summary>A one-sheet workbook; a value <c>#date:yyyy-mm-dd</c> becomes a date cell (serial number).</summary>
    public static byte[] Build(string[] header, IEnumerable<string[]> rows)
    {
        using var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, DocumentFormat.OpenXml.SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            var ws = wb.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            uint r = 0;
            foreach (var values in new[] { header }.Concat(rows))
            {
                r++;
                var row = new Row { RowIndex = r };
                for (var i = 0; i < values.Length; i++)
                {
                    var reference = Grassroots.Exchange.Xlsx.ColumnName(i + 1) + r;
                    if (values[i].StartsWith("#date:", StringComparison.Ordinal))
                    {
                        var serial = DateTime.ParseExact(values[i][6..], "yyyy-MM-dd", CultureInfo.InvariantCulture).ToOADate();
                        row.Append(new Cell(new CellValue(serial.ToString(CultureInfo.InvariantCulture))) { CellReference = reference });
                    }
                    else row.Append(TextCell(reference, values[i]));
                }
                data.Append(row);
            }
            ws.Worksheet = new Worksheet(data);
            wb.Workbook = new DocumentFormat.OpenXml.Spreadsheet.Workbook(new Sheets(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = 1, Name = "我的名单" }));
        }
        return ms.ToArray();
    }

    static Cell TextCell(string reference, string value) =>
        new(new InlineString(new Text(value))) { CellReference = reference, DataType = CellValues.InlineString };
}
