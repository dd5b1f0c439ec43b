using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Grassroots.Exchange;

/// <summary>
/// Returns the clerk's own workbook with the errors written in: a “错误原因” column after the last column (or the one an
/// earlier round left, rewritten), filled on each bad row, and the offending cells filled light red. Everything else in
/// the file (other sheets, formats, drop-downs, comments) is kept, so the clerk fixes the file in place and uploads it again.
/// </summary>
/// <remarks>
/// The data sheet is rewritten row by row through a SAX reader and writer (memory stays flat) and fed back into the same
/// part, so the part keeps its relationships (comments, drawings, tables). Stale dimension and row-span hints are dropped.
/// </remarks>
internal static class ErrorWorkbook
{
    const string LightRed = "FFFFC7CE", DarkRed = "FF9C0006";

    public static void Write(byte[] upload, DataSheet sheet, IReadOnlyList<ImportRowError> errors, Stream output)
    {
        var byRow = errors.GroupBy(e => e.Row).ToDictionary(g => (uint)g.Key, g => g.ToList());
        var errorColumn = sheet.ErrorColumn ?? sheet.LastColumn + 1;
        using var copy = new MemoryStream();
        copy.Write(upload);
        using (var doc = SpreadsheetDocument.Open(copy, true))
        {
            var wb = doc.WorkbookPart!;
            var part = (WorksheetPart)wb.GetPartById(sheet.RelationshipId);
            var styles = new StyleEditor(wb);
            using var rewritten = new MemoryStream();
            using (var reader = OpenXmlReader.Create(part))
            using (var writer = OpenXmlWriter.Create(rewritten))
            {
                var sawColumns = false;
                uint previous = 0;
                while (reader.Read())
                {
                    var type = reader.ElementType;
                    if (type == typeof(Worksheet) || type == typeof(SheetData))
                    {
                        if (reader.IsStartElement)
                        {
                            if (type == typeof(SheetData) && !sawColumns) writer.WriteElement(new Columns(ErrorColumnWidth(errorColumn)));
                            writer.WriteStartElement(reader, reader.Attributes, reader.NamespaceDeclarations);
                        }
                        else writer.WriteEndElement();
                    }
                    else if (type == typeof(Row) && reader.IsStartElement)
                    {
                        var row = (Row)reader.LoadCurrentElement()!;
                        var number = row.RowIndex?.Value ?? previous + 1;
                        previous = number;
                        row.RowIndex = number;
                        Annotate(row, number, sheet, errorColumn, byRow, styles);
                        writer.WriteElement(row);
                    }
                    else if (reader.IsStartElement)
                    {
                        var element = reader.LoadCurrentElement()!;
                        if (element is SheetDimension) continue;
                        if (element is Columns cols)
                        {
                            sawColumns = true;
                            AddWidth(cols, errorColumn);
                        }
                        writer.WriteElement(element);
                    }
                }
            }
            rewritten.Position = 0;
            part.FeedData(rewritten);
            styles.Save();
        }
        copy.Position = 0;
        copy.CopyTo(output);
    }

    static Column ErrorColumnWidth(int col) => new() { Min = (uint)col, Max = (uint)col, Width = 60, CustomWidth = true };

    static void AddWidth(Columns cols, int errorColumn)
    {
        var existing = cols.Elements<Column>().ToList();
        if (existing.Any(c => c.Min?.Value <= errorColumn && c.Max?.Value >= errorColumn)) return;
        var after = existing.LastOrDefault(c => c.Max?.Value < errorColumn);
        var width = ErrorColumnWidth(errorColumn);
        if (after is null) cols.PrependChild(width);
        else cols.InsertAfter(width, after);
    }

    static void Annotate(Row row, uint number, DataSheet sheet, int errorColumn, Dictionary<uint, List<ImportRowError>> byRow, StyleEditor styles)
    {
        var cells = new SortedDictionary<int, Cell>();
        var col = 0;
        foreach (var cell in row.Elements<Cell>().ToList())
        {
            col = cell.CellReference?.Value is { } r ? Xlsx.ColumnIndex(r) : col + 1;
            cell.CellReference = Xlsx.ColumnName(col) + number;
            cells[col] = cell;
        }
        cells.Remove(errorColumn);

        if (number == sheet.HeaderRow)
        {
            cells[errorColumn] = Xlsx.Text(errorColumn, number, ImportColumns.ErrorHeader, styles.ErrorHeader);
        }
        else if (byRow.TryGetValue(number, out var errors))
        {
            foreach (var e in errors)
            {
                if (e.Column is null || sheet.Columns.FirstOrDefault(c => c.Value.Header == e.Column) is not { Value: not null } hit) continue;
                if (!cells.TryGetValue(hit.Key, out var bad)) cells[hit.Key] = bad = Xlsx.Empty(hit.Key, number, 0);
                bad.StyleIndex = styles.Highlight(bad.StyleIndex?.Value ?? 0);
            }
            var messages = errors.Select(e => e.Column is null ? e.Message : $"{e.Column}：{e.Message}").ToList();
            var text = string.Join("\n", messages);
            cells[errorColumn] = Xlsx.Text(errorColumn, number, text, styles.ErrorText);
            // Wrapped text does not grow a row by itself in every program: make room for the message.
            var lines = messages.Sum(m => Math.Max(1, (int)Math.Ceiling(m.Sum(c => c >= '\u2E80' ? 2 : 1) / 58.0)));
            var height = lines * 15.0 + 3;
            if (lines > 1 && (row.Height?.Value ?? 0) < height)
            {
                row.Height = height;
                row.CustomHeight = true;
            }
        }

        var others = row.ChildElements.Where(c => c is not Cell).Select(c => c.CloneNode(true)).ToList();
        row.RemoveAllChildren();
        foreach (var c in cells.Values) row.Append(c);
        foreach (var o in others) row.Append(o);
        row.Spans = null;
    }

    /// <summary>Adds the highlight fill, the error fonts and the derived cell formats to the workbook's stylesheet.</summary>
    sealed class StyleEditor
    {
        readonly WorkbookStylesPart part;
        readonly Stylesheet sheet;
        readonly Dictionary<uint, uint> highlighted = [];
        readonly uint fillId;

        public StyleEditor(WorkbookPart wb)
        {
            part = wb.WorkbookStylesPart ?? wb.AddNewPart<WorkbookStylesPart>();
            sheet = part.Stylesheet ??= new Stylesheet();
            sheet.Fonts ??= new Fonts(Xlsx.Font("宋体", 11));
            if (!sheet.Fonts.Elements<Font>().Any()) sheet.Fonts.Append(Xlsx.Font("宋体", 11));
            sheet.Fills ??= new Fills();
            if (!sheet.Fills.Elements<Fill>().Any()) sheet.Fills.Append(Xlsx.DefaultFills());
            sheet.Borders ??= new Borders(new Border());
            if (!sheet.Borders.Elements<Border>().Any()) sheet.Borders.Append(new Border());
            sheet.CellStyleFormats ??= new CellStyleFormats(new CellFormat());
            sheet.CellFormats ??= new CellFormats();
            if (!sheet.CellFormats.Elements<CellFormat>().Any()) sheet.CellFormats.Append(new CellFormat());

            fillId = Add(sheet.Fills, Xlsx.Solid(LightRed));
            var redFont = Add(sheet.Fonts, Xlsx.Font("宋体", 11, rgb: DarkRed));
            var redBold = Add(sheet.Fonts, Xlsx.Font("黑体", 11, bold: true, rgb: DarkRed));
            ErrorText = Add(sheet.CellFormats, new CellFormat(new Alignment { Vertical = VerticalAlignmentValues.Center, WrapText = true })
            { FontId = redFont, FillId = fillId, ApplyFont = true, ApplyFill = true, ApplyAlignment = true });
            ErrorHeader = Add(sheet.CellFormats, new CellFormat(new Alignment { Horizontal = HorizontalAlignmentValues.Center, Vertical = VerticalAlignmentValues.Center })
            { FontId = redBold, ApplyFont = true, ApplyAlignment = true });
        }

        public uint ErrorText { get; }
        public uint ErrorHeader { get; }

        /// <summary>The format of <paramref name="style"/> with the light red fill.</summary>
        public uint Highlight(uint style)
        {
            if (highlighted.TryGetValue(style, out var done)) return done;
            var formats = sheet.CellFormats!.Elements<CellFormat>().ToList();
            var baseFormat = style < formats.Count ? (CellFormat)formats[(int)style].CloneNode(true) : new CellFormat();
            baseFormat.FillId = fillId;
            baseFormat.ApplyFill = true;
            return highlighted[style] = Add(sheet.CellFormats, baseFormat);
        }

        static uint Add(OpenXmlCompositeElement list, OpenXmlElement item)
        {
            list.Append(item);
            var count = (uint)list.ChildElements.Count(c => c.GetType() == item.GetType());
            list.SetAttribute(new OpenXmlAttribute("", "count", "", count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return count - 1;
        }

        public void Save() => part.Stylesheet!.Save();
    }
}
