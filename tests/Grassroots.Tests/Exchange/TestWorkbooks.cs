using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Grassroots.Tests.Exchange;

/// <summary>Small workbooks and zips built in the tests.</summary>
internal static class TestWorkbooks
{
    /// <summary>A real one-sheet .xlsx with the given rows of text.</summary>
    public static byte[] Simple(params string[][] rows)
    {
        using var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, DocumentFormat.OpenXml.SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            var ws = wb.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            uint r = 0;
            foreach (var row in rows)
            {
                r++;
                data.Append(new Row(row.Select(v => new Cell(new InlineString(new Text(v))) { DataType = CellValues.InlineString })) { RowIndex = r });
            }
            ws.Worksheet = new Worksheet(data);
            wb.Workbook = new Workbook(new Sheets(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = 1, Name = "Sheet1" }));
        }
        return ms.ToArray();
    }

    /// <summary>Rewrites one entry of a zip.</summary>
    public static byte[] ReplaceEntry(byte[] zip, string name, Func<string, string> change)
    {
        using var ms = new MemoryStream();
        ms.Write(zip);
        using (var archive = new ZipArchive(ms, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = archive.GetEntry(name) ?? throw new InvalidOperationException(name + " missing");
            string text;
            using (var reader = new StreamReader(entry.Open())) text = reader.ReadToEnd();
            entry.Delete();
            var replaced = archive.CreateEntry(name);
            using var writer = new StreamWriter(replaced.Open(), new UTF8Encoding(false));
            writer.Write(change(text));
        }
        return ms.ToArray();
    }

    /// <summary>A zip with entries of zeros of the given sizes (plus the parts an .xlsx needs, when asked).</summary>
    public static byte[] Zip(IEnumerable<(string Name, long Size)> entries)
    {
        using var ms = new MemoryStream();
        using (var archive = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            var zeros = new byte[64 * 1024];
            foreach (var (name, size) in entries)
            {
                using var s = archive.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                for (var left = size; left > 0; left -= zeros.Length) s.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
            }
        }
        return ms.ToArray();
    }
}
