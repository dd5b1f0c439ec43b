using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Exchange;
using Grassroots.Security;

namespace Grassroots.Dispatch;

/// <summary>
/// Writes a dispatch plan as a workbook a clerk can print and circulate: the teams village by village (安排表, in
/// region-code order, first secretary first) and the places left empty with their reasons (空缺说明). Audited.
/// </summary>
public sealed class PlanExporter(GrassrootsDb db, CurrentUser user, TimeProvider clock, PlanningService planning)
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    static readonly (string Header, double Width)[] PlacementColumns =
    [
        ("序号", 6), ("县", 10), ("乡镇", 12), ("村（居）", 16), ("区划代码", 14), ("村情", 12), ("岗位", 14), ("姓名", 10), ("派出单位", 26),
        ("条线", 6), ("条线相符", 8), ("距离（公里）", 10), ("代价", 10), ("锁定", 6),
    ];

    static readonly (string Header, double Width)[] GapColumns = [("序号", 6), ("村（居）", 16), ("区划代码", 14), ("岗位", 14), ("空缺数", 8), ("原因", 60)];

    const uint StyleTitle = 1, StyleInfo = 2, StyleHeader = 3, StyleBody = 4, StyleBodyCentre = 5;

    /// <summary>Writes the workbook to <paramref name="output"/> and returns a file name.</summary>
    public async Task<string> ExportAsync(Guid planId, Stream output, CancellationToken ct)
    {
        var plan = await planning.GetAsync(planId, ct);
        var rows = (await planning.AllRowsAsync(planId, ct)).OrderBy(r => r.VillageCode, StringComparer.Ordinal).ThenBy(r => r.Slot).ToList();
        var gaps = await planning.GapsAsync(planId, ct);
        var now = ChinaTime.ToChina(clock.GetUtcNow().UtcDateTime);
        var title = $"{plan.RoundName}·方案{plan.Number}";

        using (var doc = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.AddNewPart<WorkbookStylesPart>().Stylesheet = RosterExporter.Styles();
            var sheets = new Sheets();
            wb.Workbook = new Workbook(sheets);

            var info = $"状态：{plan.StatusName}　　第一书记 {plan.FirstSecretaryFilled}/{plan.Villages} 个村　　已安排 {plan.Filled}/{plan.Slots} 个岗位　　总代价 {plan.TotalCost}　　导出人：{user.DisplayName}　　导出时间：{now:yyyy年M月d日 HH:mm}";
            var placementRows = rows.Select((r, i) => new[]
            {
                Cell.Text((i + 1).ToString(CultureInfo.InvariantCulture)), Cell.Text(r.County), Cell.Text(r.Township), Cell.Text(r.Village), Cell.Text(r.VillageCode),
                Cell.Text(r.FitTag), Cell.Text(r.SlotName), Cell.Text(r.Name), Cell.Text(r.Unit), Cell.Text(r.Line), Cell.Text(r.LineFits ? "是" : "否"),
                Cell.Number(r.DistanceKm), Cell.Number(r.Cost), Cell.Text(r.Locked ? "是" : ""),
            }).ToList();
            AddSheet(wb, sheets, 1, "安排表", title + "　驻村工作队安排表", info, PlacementColumns, placementRows);

            var gapRows = gaps.Select((g, i) => new[]
            {
                Cell.Text((i + 1).ToString(CultureInfo.InvariantCulture)), Cell.Text(g.Village), Cell.Text(g.VillageCode), Cell.Text(TeamPlan.SlotName(g.Gap.Slot)),
                Cell.Number(g.Gap.Count), Cell.Text(g.Gap.Reason),
            }).ToList();
            AddSheet(wb, sheets, 2, "空缺说明", title + "　空缺岗位及原因", gapRows.Count == 0 ? "全部岗位均已安排。" : $"共 {gaps.Sum(g => g.Gap.Count)} 个岗位空缺。", GapColumns, gapRows);
        }

        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserId = user.Id,
            UserName = user.UserName,
            ClientAddress = user.ClientAddress,
            Event = AuditEvents.Export,
            ObjectType = nameof(TeamPlan),
            ObjectId = planId.ToString(),
            Detail = $"{title}；{rows.Count} 条安排",
        });
        await db.SaveChangesAsync(ct);
        return $"{title}-{now:yyyyMMdd}.xlsx";
    }

    readonly record struct Cell(string? TextValue, double? NumberValue)
    {
        public static Cell Text(string value) => new(value, null);
        public static Cell Number(double value) => new(null, value);
    }

    static void AddSheet(WorkbookPart wb, Sheets sheets, uint id, string name, string title, string info, (string Header, double Width)[] columns, List<Cell[]> rows)
    {
        var ws = wb.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        data.Append(new Row(Xlsx.Text(1, 1, title, StyleTitle)) { RowIndex = 1, Height = 30, CustomHeight = true });
        data.Append(new Row(Xlsx.Text(1, 2, info, StyleInfo)) { RowIndex = 2 });
        data.Append(new Row(columns.Select((c, i) => Xlsx.Text(i + 1, 3, c.Header, StyleHeader))) { RowIndex = 3, Height = 24, CustomHeight = true });
        uint r = 3;
        foreach (var row in rows)
        {
            r++;
            data.Append(new Row(row.Select((c, i) => c.NumberValue is { } n
                ? new DocumentFormat.OpenXml.Spreadsheet.Cell(new CellValue(n)) { CellReference = Xlsx.ColumnName(i + 1) + r, DataType = CellValues.Number, StyleIndex = StyleBodyCentre }
                : Xlsx.Text(i + 1, r, c.TextValue, i == 0 ? StyleBodyCentre : StyleBody))) { RowIndex = r });
        }
        ws.Worksheet = new Worksheet(
            new SheetViews(new SheetView(new Pane { VerticalSplit = 3, TopLeftCell = "A4", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 }),
            new Columns(columns.Select((c, i) => new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = c.Width, CustomWidth = true })),
            data,
            new MergeCells(new MergeCell { Reference = $"A1:{Xlsx.ColumnName(columns.Length)}1" }, new MergeCell { Reference = $"A2:{Xlsx.ColumnName(columns.Length)}2" }));
        sheets.Append(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = id, Name = name });
        wb.Workbook.DefinedNames ??= new DefinedNames();
        wb.Workbook.DefinedNames.Append(new DefinedName($"'{name}'!$3:$3") { Name = "_xlnm.Print_Titles", LocalSheetId = id - 1 });
    }
}
