using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Cli;
using Grassroots.Tests.Exchange;

namespace Grassroots.Tests.Manage;

/// <summary><c>grassroots inspections …</c> and <c>grassroots care export</c> on the demo data set (a temporary SQLite file).</summary>
public sealed class InspectionsCliTests
{
    internal static async Task<(int Code, string Output)> RunAsync(TempDatabase db, params string[] args)
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["--sqlite", db.Path, .. args], output);
        return (code, output.ToString());
    }

    static List<string> Picks(string output) => [.. output.Split('\n').Where(l => l.Length > 0 && char.IsAsciiDigit(l[0]) && l.Contains('\t'))];

    [Fact]
    public async Task Draw_WithASeed_IsTheSameTwice_AndTheOverdueFollowUpsAndALedgerComeOut()
    {
        await using var db = new TempDatabase();
        Assert.Equal(CliApp.Ok, (await RunAsync(db, "db", "migrate")).Code);
        var (seeded, seedOutput) = await RunAsync(db, "demo", "seed");
        Assert.Equal(CliApp.Ok, seeded);
        Assert.Contains("实时调度 2,", seedOutput, StringComparison.Ordinal);

        var (code, first) = await RunAsync(db, "inspections", "draw", "--county", "542521", "--count", "5", "--seed", "2026", "--inspectors", "张明,李华,次仁");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("seed 2026", first, StringComparison.Ordinal);
        Assert.Contains("结果一致", first, StringComparison.Ordinal);
        var again = (await RunAsync(db, "inspections", "draw", "--county", "542521", "--count", "5", "--seed", "2026", "--inspectors", "张明,李华,次仁")).Output;
        Assert.Equal(5, Picks(first).Count);
        Assert.Equal(Picks(first), Picks(again));
        Assert.All(Picks(first), l => Assert.StartsWith("542521", l.Split('\t')[1], StringComparison.Ordinal));

        var drawId = first.Split('\n').First(l => l.StartsWith("draw ", StringComparison.Ordinal))[5..].Trim();
        var (showCode, shown) = await RunAsync(db, "inspections", "show", drawId);
        Assert.Equal(CliApp.Ok, showCode);
        Assert.Equal(Picks(first), Picks(shown));
        Assert.Equal(5, shown.Split('\n').Count(l => l.EndsWith("未抽中", StringComparison.Ordinal)));

        var (overdueCode, overdue) = await RunAsync(db, "inspections", "follow-ups", "--overdue");
        Assert.Equal(CliApp.Ok, overdueCode);
        Assert.Contains("逾期", overdue, StringComparison.Ordinal);

        Assert.Equal(CliApp.Refused, (await RunAsync(db, "inspections", "draw", "--county", "542521", "--count", "11")).Code);
        Assert.Equal(CliApp.Refused, (await RunAsync(db, "inspections", "draw", "--county", "999999")).Code);

        var file = Path.Combine(db.Folder, "ledger.xlsx");
        Assert.Equal(CliApp.Ok, (await RunAsync(db, "care", "export", "542521100201", file)).Code);
        using var doc = SpreadsheetDocument.Open(file, false);
        Assert.Equal(["安家补贴", "办实事经费"], doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value!));
    }
}

/// <summary><c>grassroots checkins purge-positions</c> on the demo year of check-ins (a temporary SQLite file).</summary>
public sealed class CheckInsCliTests
{
    static Task<(int Code, string Output)> RunAsync(TempDatabase db, params string[] args) => InspectionsCliTests.RunAsync(db, args);

    [Fact]
    public async Task PurgePositions_ClearsTheDemoYearsOldPositions_ThenHasNothingLeftToClear()
    {
        await using var db = new TempDatabase();
        Assert.Equal(CliApp.Ok, (await RunAsync(db, "db", "migrate")).Code);
        Assert.Equal(CliApp.Ok, (await RunAsync(db, "demo", "seed")).Code);

        var (code, output) = await RunAsync(db, "checkins", "purge-positions");

        Assert.Equal(CliApp.Ok, code);
        var cleared = int.Parse(System.Text.RegularExpressions.Regex.Match(output, @"之前 (\d+) 条").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(cleared > 10_000, output);
        var (again, second) = await RunAsync(db, "checkins", "purge-positions");
        Assert.Equal(CliApp.Ok, again);
        Assert.Contains("之前 0 条", second, StringComparison.Ordinal);
    }
}
