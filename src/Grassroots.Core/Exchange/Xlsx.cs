using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Grassroots.Exchange;

/// <summary>Small helpers shared by the roster, the template and the error report: cell references, text cells, styles.</summary>
internal static class Xlsx
{
    /// <summary>1 → A, 27 → AA.</summary>
    public static string ColumnName(int index)
    {
        var name = "";
        for (var i = index; i > 0; i = (i - 1) / 26) name = (char)('A' + (i - 1) % 26) + name;
        return name;
    }

    /// <summary>A → 1, AA → 27; the column part of a reference such as <c>AB12</c>.</summary>
    public static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            var u = char.ToUpperInvariant(c);
            if (u is < 'A' or > 'Z') break;
            index = index * 26 + (u - 'A' + 1);
        }
        return index;
    }

    /// <summary>The row part of a reference such as <c>AB12</c>, or 0.</summary>
    public static uint RowIndex(string reference)
    {
        var digits = new string(reference.SkipWhile(char.IsAsciiLetter).ToArray());
        return uint.TryParse(digits, out var r) ? r : 0;
    }

    /// <summary>A string cell: always inline text (never a formula), neutralised per <see cref="SpreadsheetText"/>.</summary>
    public static Cell Text(int column, uint row, string? value, uint style)
    {
        var text = SpreadsheetText.Neutralise(value);
        var t = new Text(text);
        if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))) t.Space = SpaceProcessingModeValues.Preserve;
        return new Cell(new InlineString(t)) { CellReference = ColumnName(column) + row, DataType = CellValues.InlineString, StyleIndex = style };
    }

    public static Cell Empty(int column, uint row, uint style) => new() { CellReference = ColumnName(column) + row, StyleIndex = style };

    public static Border ThinBorder() => new(
        new LeftBorder(new Color { Auto = true }) { Style = BorderStyleValues.Thin },
        new RightBorder(new Color { Auto = true }) { Style = BorderStyleValues.Thin },
        new TopBorder(new Color { Auto = true }) { Style = BorderStyleValues.Thin },
        new BottomBorder(new Color { Auto = true }) { Style = BorderStyleValues.Thin },
        new DiagonalBorder());

    public static Font Font(string name, double size, bool bold = false, string? rgb = null)
    {
        var f = new Font();
        if (bold) f.Append(new Bold());
        f.Append(new FontSize { Val = size });
        if (rgb is not null) f.Append(new Color { Rgb = rgb });
        f.Append(new FontName { Val = name });
        f.Append(new FontCharSet { Val = 134 }); // GB2312: CJK fonts for Chinese
        return f;
    }

    public static Fill Solid(string rgb) => new(new PatternFill(new ForegroundColor { Rgb = rgb }, new BackgroundColor { Indexed = 64 }) { PatternType = PatternValues.Solid });

    /// <summary>The two fills every stylesheet must start with.</summary>
    public static Fill[] DefaultFills() => [new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })];

    public static Alignment Align(HorizontalAlignmentValues h, bool wrap = false) =>
        new() { Horizontal = h, Vertical = VerticalAlignmentValues.Center, WrapText = wrap ? true : null };
}
