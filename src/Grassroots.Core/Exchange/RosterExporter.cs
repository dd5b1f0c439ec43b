using System.Globalization;
using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Audit;
using Grassroots.Codes;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Exchange;

/// <summary>Progress of a long spreadsheet job, for the command line's progress bars.</summary>
public readonly record struct ExchangeProgress(string Stage, int Done, int Total);

/// <summary>What an export produced: the row count and a file name a clerk recognises.</summary>
public sealed record RosterExport(int Rows, string FileName, string Title);

/// <summary>
/// Writes the roster (花名册, S-RPT-2) of the people a <see cref="PeopleQuery"/> selects, as a styled .xlsx ready to
/// print: title, filter, who exported and when (China time), a header row repeated on every printed page, one row per
/// person, a total. Filters, order and scope are those of the people list (<see cref="PeopleService.Query"/>).
/// </summary>
/// <remarks>
/// Rows stream from the database into a SAX writer, so memory stays flat however many people are exported. ID numbers
/// and phones are masked (the roster is for circulation; a full number needs the audited reveal). Every cell is text
/// per <see cref="SpreadsheetText"/>. The export is audited (<see cref="AuditEvents.Export"/>, with the filter and the
/// row count) once the file is complete; the caller should hand the file out only after this method returns.
/// </remarks>
public sealed class RosterExporter(GrassrootsDb db, CurrentUser user, TimeProvider clock, PeopleService people)
{
    public const string SheetName = "花名册";
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The columns of the roster, with their widths in characters.</summary>
    public static readonly IReadOnlyList<(string Header, double Width)> Columns =
    [
        ("序号", 6), ("姓名", 10), ("性别", 6), ("民族", 8), ("出生年月", 10), ("身份证号码", 21), ("政治面貌", 12), ("入党时间", 10),
        ("参加工作时间", 10), ("学历", 14), ("工作单位", 26), ("职务", 14), ("职级", 10), ("条线", 6), ("所在区划", 24), ("联系电话", 14),
    ];

    const uint StyleTitle = 1, StyleInfo = 2, StyleHeader = 3, StyleBody = 4, StyleBodyCentre = 5;
    const uint HeaderRow = 4;

    /// <summary>Writes the roster to <paramref name="output"/> (any writable stream; it is left open) and audits the export.</summary>
    public async Task<RosterExport> ExportAsync(PeopleQuery query, Stream output, IProgress<ExchangeProgress>? progress, CancellationToken ct)
    {
        var selected = people.Query(query); // validates the filter (ValidationException) and checks the role
        var codes = await CodeBook.LoadAsync(db, ct);
        var total = progress is null ? 0 : await selected.CountAsync(ct);
        var title = Title(query);
        var filter = await DescribeFilterAsync(query, ct);
        var now = ChinaTime.ToChina(clock.GetUtcNow().UtcDateTime);
        var rows = 0;

        // The package (workbook, styles, print titles) is made by the SDK with an empty sheet; the sheet itself is then
        // streamed straight into the output zip, row by row. (The SDK's own packages keep every part in memory until
        // they are closed, which for a roster of 100,000 people is hundreds of megabytes.)
        using var skeleton = new MemoryStream();
        string sheetEntry;
        using (var doc = SpreadsheetDocument.Create(skeleton, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            var ws = wb.AddNewPart<WorksheetPart>();
            ws.Worksheet = new Worksheet(new SheetData());
            sheetEntry = ws.Uri.OriginalString.TrimStart('/');
            wb.Workbook = new Workbook(
                new Sheets(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = 1, Name = SheetName }),
                new DefinedNames(new DefinedName($"'{SheetName}'!${HeaderRow}:${HeaderRow}") { Name = "_xlnm.Print_Titles", LocalSheetId = 0 }));
        }
        skeleton.Position = 0;
        using (var source = new ZipArchive(skeleton, ZipArchiveMode.Read))
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                await using var to = zip.CreateEntry(entry.FullName, CompressionLevel.Optimal).Open();
                if (entry.FullName != sheetEntry)
                {
                    await using var from = entry.Open();
                    await from.CopyToAsync(to, ct);
                    continue;
                }
                rows = await WriteSheetAsync(to, selected, codes, title, filter, now, total, progress, ct);
            }
        }
        progress?.Report(new("导出", rows, rows));

        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserId = user.Id,
            UserName = user.UserName,
            ClientAddress = user.ClientAddress,
            Event = AuditEvents.Export,
            ObjectType = nameof(Person),
            Detail = $"{title}；筛选条件：{filter}；共 {rows} 人",
        });
        await db.SaveChangesAsync(ct);
        return new RosterExport(rows, $"{title}-{now:yyyyMMdd}.xlsx", title);
    }

    /// <summary>Streams the roster sheet's XML; returns the number of people written.</summary>
    async Task<int> WriteSheetAsync(Stream to, IQueryable<Person> selected, CodeBook codes, string title, string filter, DateTimeOffset now,
        int total, IProgress<ExchangeProgress>? progress, CancellationToken ct)
    {
        var rows = 0;
        using var w = OpenXmlWriter.Create(to);
        w.WriteStartDocument(true);
        w.WriteStartElement(new Worksheet());
        w.WriteElement(new SheetProperties(new PageSetupProperties { FitToPage = true }));
        w.WriteElement(new SheetViews(new SheetView(
            new Pane { VerticalSplit = HeaderRow, TopLeftCell = "A" + (HeaderRow + 1), ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
            new DocumentFormat.OpenXml.Spreadsheet.Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A" + (HeaderRow + 1), SequenceOfReferences = new ListValue<StringValue> { InnerText = "A" + (HeaderRow + 1) } })
        { WorkbookViewId = 0 }));
        w.WriteElement(new SheetFormatProperties { DefaultRowHeight = 18, CustomHeight = true });
        w.WriteElement(new DocumentFormat.OpenXml.Spreadsheet.Columns(Columns.Select((c, i) =>
            new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = c.Width, CustomWidth = true })));

        w.WriteStartElement(new SheetData());
        w.WriteElement(new Row(Xlsx.Text(1, 1, title, StyleTitle)) { RowIndex = 1, Height = 32, CustomHeight = true });
        w.WriteElement(new Row(Xlsx.Text(1, 2, "筛选条件：" + filter, StyleInfo)) { RowIndex = 2 });
        w.WriteElement(new Row(Xlsx.Text(1, 3, $"导出人：{ActorName()}　　导出时间：{now:yyyy年M月d日 HH:mm}（北京时间）　　身份证号码、联系电话已脱敏", StyleInfo)) { RowIndex = 3 });
        w.WriteElement(new Row(Columns.Select((c, i) => Xlsx.Text(i + 1, HeaderRow, c.Header, StyleHeader))) { RowIndex = HeaderRow, Height = 24, CustomHeight = true });

        await foreach (var p in PeopleService.Project(selected).AsAsyncEnumerable().WithCancellation(ct))
        {
            rows++;
            var r = HeaderRow + (uint)rows;
            w.WriteElement(new Row(
                Xlsx.Text(1, r, rows.ToString(CultureInfo.InvariantCulture), StyleBodyCentre),
                Xlsx.Text(2, r, p.Name, StyleBody),
                Xlsx.Text(3, r, codes.NameOf(CodeTables.Gender, p.GenderCode), StyleBodyCentre),
                Xlsx.Text(4, r, codes.NameOf(CodeTables.Ethnic, p.EthnicCode), StyleBodyCentre),
                Xlsx.Text(5, r, YearMonth(p.BirthDate), StyleBodyCentre),
                Xlsx.Text(6, r, p.IdNumber.Masked, StyleBodyCentre),
                Xlsx.Text(7, r, PersonRow.PoliticalName(codes, p.PoliticalStatusCode), StyleBodyCentre),
                Xlsx.Text(8, r, YearMonth(p.PartyJoinDate), StyleBodyCentre),
                Xlsx.Text(9, r, YearMonth(p.WorkStartDate), StyleBodyCentre),
                Xlsx.Text(10, r, p.EducationCode is null ? "" : codes.NameOf(CodeTables.Education, p.EducationCode), StyleBody),
                Xlsx.Text(11, r, p.UnitName ?? p.CommunityName, StyleBody),
                Xlsx.Text(12, r, p.Post, StyleBody),
                Xlsx.Text(13, r, p.Rank, StyleBody),
                Xlsx.Text(14, r, PersonNames.Line(p.Line), StyleBodyCentre),
                Xlsx.Text(15, r, PersonMapping.RegionName(p.RegionCode), StyleBody),
                Xlsx.Text(16, r, PersonMapping.MaskPhone(p.Phone), StyleBodyCentre))
            { RowIndex = r });
            if (progress is not null && rows % 500 == 0) progress.Report(new("导出", rows, Math.Max(total, rows)));
        }

        var footer = HeaderRow + (uint)rows + 1;
        w.WriteElement(new Row(Xlsx.Text(1, footer, $"合计：{rows} 人", StyleInfo)) { RowIndex = footer });
        w.WriteEndElement(); // sheetData

        var last = Xlsx.ColumnName(Columns.Count);
        w.WriteElement(new MergeCells(new[] { 1u, 2u, 3u, footer }.Select(r => new MergeCell { Reference = $"A{r}:{last}{r}" })));
        w.WriteElement(new PrintOptions { HorizontalCentered = true });
        w.WriteElement(new PageMargins { Left = 0.4, Right = 0.4, Top = 0.6, Bottom = 0.6, Header = 0.3, Footer = 0.3 });
        w.WriteElement(new PageSetup { PaperSize = 9, Orientation = OrientationValues.Landscape, FitToWidth = 1, FitToHeight = 0 });
        w.WriteElement(new HeaderFooter(new OddFooter("&C第 &P 页，共 &N 页")));
        w.WriteEndElement(); // worksheet
        return rows;
    }

    static string YearMonth(DateOnly? d) => d is { } v ? v.ToString("yyyy.MM", CultureInfo.InvariantCulture) : "";

    string ActorName() => string.IsNullOrWhiteSpace(user.DisplayName) || user.DisplayName == user.UserName ? user.UserName : $"{user.DisplayName}（{user.UserName}）";

    /// <summary>E.g. 阿里地区普兰县驻村干部花名册: the narrowest region (filter, else the account's scope) and the kind.</summary>
    string Title(PeopleQuery q)
    {
        var code = !string.IsNullOrWhiteSpace(q.Region) ? q.Region.Trim() : user.ScopeCode;
        var place = code is null ? "" : FullName(code);
        PersonKind? kind = PersonNames.TryParseKind(q.Kind, out var k) ? k : user.KindLimit;
        var who = kind is { } kk ? PersonNames.Kind(kk) : "驻村干部和社区工作者";
        return $"{place}{who}花名册";
    }

    /// <summary>Region names from the prefecture down, run together as on official titles (阿里地区普兰县).</summary>
    static string FullName(string code)
    {
        var catalog = RegionCatalog.Embedded;
        var names = new List<string>();
        for (var r = catalog.Find(code); r is not null && r.Level >= RegionLevel.Prefecture; r = r.ParentCode is { } pc ? catalog.Find(pc.Value) : null)
            names.Insert(0, r.Name);
        return string.Concat(names);
    }

    async Task<string> DescribeFilterAsync(PeopleQuery q, CancellationToken ct)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(q.Q))
        {
            var text = q.Q.Trim();
            // A search by ID number must not put the full number in the file or the audit trail.
            if (IdNumber.TryParse(text, ChinaTime.Today(clock), out var id, out _)) text = id.Value.Masked;
            parts.Add($"关键词“{text}”");
        }
        if (!string.IsNullOrWhiteSpace(q.Region)) parts.Add($"区划 {FullName(q.Region.Trim())}（{q.Region.Trim()}）");
        if (PersonNames.TryParseKind(q.Kind, out var kind)) parts.Add($"类别 {PersonNames.Kind(kind)}");
        if (PersonNames.TryParseLine(q.Line, out var line)) parts.Add($"条线 {PersonNames.Line(line)}");
        if (q.UnitId is { } unitId)
        {
            var unit = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Name).FirstOrDefaultAsync(ct);
            parts.Add($"单位 {unit ?? "（不存在或不在管辖范围内）"}");
        }
        var scope = user.ScopeCode is { } sc ? $"管辖范围 {FullName(sc)}" : "全部数据";
        var sort = (string.IsNullOrWhiteSpace(q.Sort) ? "stroke" : q.Sort.Trim()) switch
        {
            "-stroke" => "按姓氏笔画倒序",
            "birth" => "按出生日期",
            "-birth" => "按出生日期倒序",
            "updated" => "按更新时间",
            "-updated" => "按更新时间倒序",
            _ => "按姓氏笔画",
        };
        return (parts.Count == 0 ? "无（" + scope + "内全部人员）" : string.Join("，", parts) + $"（{scope}）") + "；" + sort + "排序";
    }

    internal static Stylesheet Styles()
    {
        var fonts = new Fonts(
            Xlsx.Font("宋体", 11),
            Xlsx.Font("黑体", 16, bold: true),
            Xlsx.Font("宋体", 10),
            Xlsx.Font("黑体", 11, bold: true));
        var fills = new Fills(Xlsx.DefaultFills().Append(Xlsx.Solid("FFD9D9D9")));
        var borders = new Borders(new Border(), Xlsx.ThinBorder());
        var xfs = new CellFormats(
            new CellFormat(),
            new CellFormat(Xlsx.Align(HorizontalAlignmentValues.Center)) { FontId = 1, ApplyFont = true, ApplyAlignment = true },
            new CellFormat(Xlsx.Align(HorizontalAlignmentValues.Left)) { FontId = 2, ApplyFont = true, ApplyAlignment = true },
            new CellFormat(Xlsx.Align(HorizontalAlignmentValues.Center, wrap: true)) { FontId = 3, FillId = 2, BorderId = 1, ApplyFont = true, ApplyFill = true, ApplyBorder = true, ApplyAlignment = true },
            new CellFormat(Xlsx.Align(HorizontalAlignmentValues.Left)) { FontId = 2, BorderId = 1, ApplyFont = true, ApplyBorder = true, ApplyAlignment = true },
            new CellFormat(Xlsx.Align(HorizontalAlignmentValues.Center)) { FontId = 2, BorderId = 1, ApplyFont = true, ApplyBorder = true, ApplyAlignment = true });
        return new Stylesheet(fonts, fills, borders, new CellStyleFormats(new CellFormat()), xfs);
    }
}
