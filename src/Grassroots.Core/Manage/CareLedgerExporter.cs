using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Exchange;
using Grassroots.Security;

namespace Grassroots.Manage;

/// <summary>
/// Writes a team's care ledgers as a workbook a clerk can print and file: one sheet per fund (安家补贴, 办实事经费) with the
/// budget, every entry (date, amount, purpose, receipt number, balance after, overspend reason) oldest first and the
/// totals. Amounts are numbers with two decimals (format <c>#,##0.00</c>), text is neutralised against formulas. Audited.
/// </summary>
public sealed class CareLedgerExporter(GrassrootsDb db, CurrentUser user, TimeProvider clock, CareService care)
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    static readonly (string Header, double Width)[] Columns =
        [("序号", 6), ("日期", 12), ("金额（元）", 14), ("用途", 36), ("票据号", 16), ("余额（元）", 14), ("超支原因", 24), ("登记人", 14)];

    const uint StyleTitle = 1, StyleInfo = 2, StyleHeader = 3, StyleBody = 4, StyleBodyCentre = 5, StyleMoney = 6;

    /// <summary>Writes the workbook; returns a file name such as <c>多油村关心关怀经费台账-20261127.xlsx</c>.</summary>
    public async Task<string> ExportAsync(Guid villageId, Stream output, CancellationToken ct)
    {
        var team = await care.TeamAsync(villageId, ct);
        var now = ChinaTime.ToChina(clock.GetUtcNow().UtcDateTime);
        var title = $"{team.Row.VillageName}关心关怀经费台账";
        using (var doc = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            var sheets = new Sheets();
            wb.Workbook = new Workbook(sheets);
            uint id = 0;
            foreach (var kind in Enum.GetValues<CareFundKind>())
            {
                var ledger = team.Ledgers.FirstOrDefault(l => l.Fund.Kind == kind);
                AddSheet(wb, sheets, ++id, CareNames.Kind(kind), $"{team.Row.PlaceName} {team.Row.VillageName}　{CareNames.Kind(kind)}支出台账",
                    ledger.Fund is null
                        ? "尚未设立该项经费。"
                        : $"预算 {Money.Show(ledger.Fund.Budget)}　　已支出 {Money.Show(ledger.Fund.Spent)}　　余额 {Money.Show(ledger.Fund.Balance)}　　共 {ledger.Entries.Count} 笔　　导出人：{user.DisplayName}　　导出时间：{now:yyyy年M月d日 HH:mm}",
                    ledger.Entries ?? [], ledger.Fund);
            }
        }
        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserId = user.Id,
            UserName = user.UserName,
            ClientAddress = user.ClientAddress,
            Event = AuditEvents.Export,
            ObjectType = nameof(CareFund),
            ObjectId = villageId.ToString(),
            Detail = $"{title}；{team.Ledgers.Sum(l => l.Entries.Count)} 笔支出",
        });
        await db.SaveChangesAsync(ct);
        return $"{title}-{now:yyyyMMdd}.xlsx";
    }

    static void AddSheet(WorkbookPart wb, Sheets sheets, uint id, string name, string title, string info, IReadOnlyList<CareEntryDto> entries, CareFundDto? fund)
    {
        var ws = wb.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        data.Append(new Row(Xlsx.Text(1, 1, title, StyleTitle)) { RowIndex = 1, Height = 30, CustomHeight = true });
        data.Append(new Row(Xlsx.Text(1, 2, info, StyleInfo)) { RowIndex = 2 });
        data.Append(new Row(Columns.Select((c, i) => Xlsx.Text(i + 1, 3, c.Header, StyleHeader))) { RowIndex = 3, Height = 24, CustomHeight = true });
        uint r = 3;
        var n = 0;
        foreach (var e in entries)
        {
            r++;
            n++;
            data.Append(new Row(
                Xlsx.Text(1, r, n.ToString(CultureInfo.InvariantCulture), StyleBodyCentre),
                Xlsx.Text(2, r, e.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StyleBodyCentre),
                Number(3, r, e.Amount),
                Xlsx.Text(4, r, e.Purpose, StyleBody),
                Xlsx.Text(5, r, e.ReceiptNo, StyleBody),
                Number(6, r, e.BalanceAfter),
                Xlsx.Text(7, r, e.OverspendReason, StyleBody),
                Xlsx.Text(8, r, e.RecordedBy, StyleBody)) { RowIndex = r });
        }
        if (fund is not null)
        {
            r++;
            data.Append(new Row(Xlsx.Text(1, r, "合计", StyleBodyCentre), Xlsx.Text(2, r, "", StyleBody), Number(3, r, fund.Spent), Xlsx.Text(4, r, $"预算 {Money.Plain(fund.Budget)} 元", StyleBody),
                Xlsx.Text(5, r, "", StyleBody), Number(6, r, fund.Balance), Xlsx.Text(7, r, fund.Balance < 0 ? "已超支" : "", StyleBody), Xlsx.Text(8, r, "", StyleBody)) { RowIndex = r });
        }
        ws.Worksheet = new Worksheet(
            new SheetViews(new SheetView(new Pane { VerticalSplit = 3, TopLeftCell = "A4", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 }),
            new Columns(Columns.Select((c, i) => new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = c.Width, CustomWidth = true })),
            data,
            new MergeCells(new MergeCell { Reference = $"A1:{Xlsx.ColumnName(Columns.Length)}1" }, new MergeCell { Reference = $"A2:{Xlsx.ColumnName(Columns.Length)}2" }));
        sheets.Append(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = id, Name = name });
        wb.Workbook.DefinedNames ??= new DefinedNames();
        wb.Workbook.DefinedNames.Append(new DefinedName($"'{name}'!$3:$3") { Name = "_xlnm.Print_Titles", LocalSheetId = id - 1 });
    }

    /// <summary>A number cell with the amount exactly as stored (decimal written invariantly, two decimals shown).</summary>
    static Cell Number(int column, uint row, decimal value) => new(new CellValue(value.ToString(CultureInfo.InvariantCulture)))
    {
        CellReference = Xlsx.ColumnName(column) + row, DataType = CellValues.Number, StyleIndex = StyleMoney,
    };

    /// <summary>The roster's styles and one more: a bordered number with the built-in format <c>#,##0.00</c> (id 4).</summary>
    static Stylesheet Styles()
    {
        var s = RosterExporter.Styles();
        s.CellFormats!.Append(new CellFormat(new Alignment { Horizontal = HorizontalAlignmentValues.Right, Vertical = VerticalAlignmentValues.Center })
        {
            NumberFormatId = 4, FontId = 2, BorderId = 1, ApplyNumberFormat = true, ApplyFont = true, ApplyBorder = true, ApplyAlignment = true,
        });
        s.CellFormats.Count = (uint)s.CellFormats.ChildElements.Count;
        return s;
    }
}
