using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Dispatch;
using Grassroots.Manage;
using Grassroots.Regions;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Tests.Manage;

/// <summary>Care funds and their ledgers over HTTP (S-MNG-8): decimal amounts to the fen, the balance, the no-overspend
/// rule, who sets budgets and who spends (S-MNG-7), scope, concurrency and the Excel ledger read back.</summary>
public abstract class CareTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    DateOnly Today => DateOnly.FromDateTime(app.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    static async Task<JsonElement> OkJsonAsync(HttpResponseMessage r, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await r.Content.ReadAsStringAsync(Ct);
        Assert.True(r.StatusCode == expected, $"{(int)r.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    static int serial;

    /// <summary>A fresh team in a Pulan village — in Pulan town (the township account's scope) when <paramref name="inTown"/>,
    /// else preferably elsewhere in the county — and a fund of <paramref name="budget"/>.</summary>
    async Task<(StationedCadre Cadre, Guid FundId, HttpClient County)> FundAsync(decimal budget, string kind = "practicalMatters", bool inTown = false)
    {
        var staffed = await app.WithSystemDbAsync(db => db.Postings.IgnoreQueryFilters().Where(p => p.Status == PostingStatus.Active).Select(p => p.VillageCode).Distinct().ToListAsync());
        var code = RegionCatalog.Embedded.All.Where(r => r.Level is RegionLevel.Village or RegionLevel.Community && r.Code.Value.StartsWith(inTown ? "542521100" : "542521", StringComparison.Ordinal))
            .Select(r => r.Code.Value).Where(c => staffed.All(s => s.Value != c))
            .OrderBy(c => c.StartsWith("542521100", StringComparison.Ordinal)).ThenBy(c => c, StringComparer.Ordinal).First();
        var cadre = await ManageKit.NewCadreAsync(app, code, PostingRole.FirstSecretary);
        var county = await app.ClientAsAsync("pulan.county");
        var fund = await OkJsonAsync(await county.PostAsJsonAsync("/api/care/funds", new { villageCode = code, kind, budget, note = "测试" }, Ct), HttpStatusCode.Created);
        return (cadre, fund.GetProperty("id").GetGuid(), county);
    }

    static object Entry(decimal amount, string? reason = null, string? receipt = null, DateOnly? date = null) =>
        new { date, amount, purpose = "购置取暖煤", receiptNo = receipt ?? "R" + Interlocked.Increment(ref serial), overspendReason = reason };

    [Fact]
    public async Task Ledger_KeepsTheBalanceToTheFen_AndRefusesAnOverspendWithoutAReason()
    {
        var (_, fundId, county) = await FundAsync(1000.00m);
        for (var i = 0; i < 3; i++)
            await OkJsonAsync(await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(333.33m, date: Today), Ct), HttpStatusCode.Created);
        var fund = await OkJsonAsync(await county.GetAsync($"/api/care/funds/{fundId}", Ct));
        Assert.Equal(999.99m, fund.GetProperty("spent").GetDecimal());
        Assert.Equal(0.01m, fund.GetProperty("balance").GetDecimal());

        var refused = await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(0.02m, date: Today), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("超支原因", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());
        Assert.Equal(3, await app.WithSystemDbAsync(db => db.CareEntries.IgnoreQueryFilters().CountAsync(e => e.FundId == fundId)));

        var over = await OkJsonAsync(await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(0.02m, "应急抢修饮水管道", date: Today), Ct), HttpStatusCode.Created);
        Assert.Equal(-0.01m, over.GetProperty("balanceAfter").GetDecimal());
        Assert.Equal(4, over.GetProperty("number").GetInt32());
        Assert.Equal("应急抢修饮水管道", over.GetProperty("overspendReason").GetString());
        // Once overspent, every further entry needs a reason too.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(1m, date: Today), Ct)).StatusCode);

        var stored = await app.WithSystemDbAsync(db => db.CareFunds.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.Id == fundId));
        Assert.Equal(1000.01m, stored.Spent);
        Assert.Equal(4, stored.Entries);
        var entries = await app.WithSystemDbAsync(db => db.CareEntries.IgnoreQueryFilters().AsNoTracking().Where(e => e.FundId == fundId).ToListAsync());
        Assert.Equal(stored.Spent, entries.Sum(e => e.Amount));
    }

    [Theory]
    [InlineData(0, "amount")]
    [InlineData(-5, "amount")]
    [InlineData(1.005, "amount")]
    [InlineData(100000000, "amount")]
    public async Task Entry_WithABadAmount_Is400_AndNothingIsWritten(decimal amount, string field)
    {
        var (_, fundId, county) = await FundAsync(500m);
        var r = await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(amount, date: Today), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True((await r.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(0, await app.WithSystemDbAsync(db => db.CareEntries.IgnoreQueryFilters().CountAsync(e => e.FundId == fundId)));
    }

    [Fact]
    public async Task Entry_InTheFuture_OrWithAReceiptAlreadyUsed_Is400()
    {
        var (_, fundId, county) = await FundAsync(500m);
        Assert.Equal(HttpStatusCode.BadRequest, (await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(10m, date: Today.AddDays(1)), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(10m, receipt: "FP-001", date: Today), Ct)).StatusCode);
        var dup = await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(10m, receipt: "FP-001", date: Today), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, dup.StatusCode);
        Assert.Contains("重复", (await dup.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("receiptNo")[0].GetString());
    }

    [Fact]
    public async Task TwoEntriesForTheLastYuanAtOnce_OnlyOneIsWritten()
    {
        var (_, fundId, county) = await FundAsync(100m, inTown: true);
        var other = await app.ClientAsAsync("pulan.township");
        using var start = new ManualResetEventSlim();
        var a = Task.Run(async () => { start.Wait(Ct); return await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(60m, date: Today), Ct); }, Ct);
        var b = Task.Run(async () => { start.Wait(Ct); return await other.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(60m, date: Today), Ct); }, Ct);
        start.Set();
        var results = await Task.WhenAll(a, b);
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Contains(results.Single(r => r.StatusCode != HttpStatusCode.Created).StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity });
        var stored = await app.WithSystemDbAsync(db => db.CareFunds.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.Id == fundId));
        Assert.Equal(60m, stored.Spent);
        Assert.Equal(1, await app.WithSystemDbAsync(db => db.CareEntries.IgnoreQueryFilters().CountAsync(e => e.FundId == fundId)));
    }

    [Fact]
    public async Task Budgets_AreTheCountyOffices_Spending_TheTownshipsToo_AndZandaSeesNothing()
    {
        var (cadre, fundId, county) = await FundAsync(800m, inTown: true);
        var township = await app.ClientAsAsync("pulan.township");
        var zanda = await app.ClientAsAsync("zanda.county");
        var prefecture = await app.ClientAsAsync("ali.prefecture");

        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostAsJsonAsync("/api/care/funds", new { villageCode = cadre.Village.Code.Value, kind = "settling", budget = 100m }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PutAsJsonAsync($"/api/care/funds/{fundId}/budget", new { budget = 900m }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await township.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(80.5m, date: Today), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await prefecture.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", Entry(1m, date: Today), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await prefecture.GetAsync($"/api/care/funds/{fundId}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/api/care/funds/{fundId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/api/care/teams/{cadre.Village.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/api/care/teams/{cadre.Village.Id}/ledger.xlsx", Ct)).StatusCode);
        var zandaTeams = await OkJsonAsync(await zanda.GetAsync("/api/care/teams?pageSize=200", Ct));
        Assert.DoesNotContain(zandaTeams.GetProperty("items").EnumerateArray(), t => t.GetProperty("villageId").GetGuid() == cadre.Village.Id);

        // The budget may grow, never below what is spent; the same fund twice is refused.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await county.PutAsJsonAsync($"/api/care/funds/{fundId}/budget", new { budget = 80m }, Ct)).StatusCode);
        var raised = await OkJsonAsync(await county.PutAsJsonAsync($"/api/care/funds/{fundId}/budget", new { budget = 1200.5m }, Ct));
        Assert.Equal(1120.00m, raised.GetProperty("balance").GetDecimal());
        Assert.Equal(HttpStatusCode.Conflict, (await county.PostAsJsonAsync("/api/care/funds", new { villageCode = cadre.Village.Code.Value, kind = "practicalMatters", budget = 1m }, Ct)).StatusCode);
    }

    [Fact]
    public async Task LedgerExport_IsAWorkbookWithEveryEntryAndTheBalance_ReadBack()
    {
        var (cadre, fundId, county) = await FundAsync(2000m);
        await OkJsonAsync(await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", new { date = Today.AddDays(-3), amount = 1234.56m, purpose = "=SUM(A1:A9)", receiptNo = "BS-001" }, Ct), HttpStatusCode.Created);
        await OkJsonAsync(await county.PostAsJsonAsync($"/api/care/funds/{fundId}/entries", new { date = Today, amount = 800.00m, purpose = "慰问困难群众", receiptNo = "BS-002", overspendReason = "临时救助" }, Ct), HttpStatusCode.Created);

        var response = await county.GetAsync($"/api/care/teams/{cadre.Village.Id}/ledger.xlsx", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CareLedgerExporter.ContentType, response.Content.Headers.ContentType?.MediaType);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct));
        using var doc = SpreadsheetDocument.Open(stream, false);
        var wb = doc.WorkbookPart!;
        var sheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == "办实事经费");
        var rows = ((WorksheetPart)wb.GetPartById(sheet.Id!)).Worksheet.Descendants<Row>().ToList();
        string Text(Row row, int column) => row.Elements<Cell>().ElementAt(column) is { } c ? c.InlineString?.InnerText ?? c.CellValue?.Text ?? "" : "";
        Assert.Contains("办实事经费支出台账", Text(rows[0], 0));
        Assert.Contains("预算 ¥2,000.00", Text(rows[1], 0));
        decimal Number(Row row, int column) => decimal.Parse(Text(row, column), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(["1", Today.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "'=SUM(A1:A9)", "BS-001"],
            new[] { Text(rows[3], 0), Text(rows[3], 1), Text(rows[3], 3), Text(rows[3], 4) });
        Assert.Equal([1234.56m, 765.44m], new[] { Number(rows[3], 2), Number(rows[3], 5) });
        Assert.Equal("2", Text(rows[4], 0));
        Assert.Equal([800m, -34.56m], new[] { Number(rows[4], 2), Number(rows[4], 5) });
        Assert.Equal("临时救助", Text(rows[4], 6));
        Assert.Equal("合计", Text(rows[5], 0));
        Assert.Equal([2034.56m, -34.56m], new[] { Number(rows[5], 2), Number(rows[5], 5) });
        Assert.Contains(wb.Workbook.Sheets!.Elements<Sheet>(), s => s.Name == "安家补贴");
        var audited = await app.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.Event == "export" && a.ObjectType == nameof(CareFund) && a.ObjectId == cadre.Village.Id.ToString()));
        Assert.Equal(1, audited);
    }
}

public sealed class CareTestsSqlite(SqliteApp app) : CareTests(app), IClassFixture<SqliteApp>;

public sealed class CareTestsPostgres(PostgresApp app) : CareTests(app), IClassFixture<PostgresApp>;
