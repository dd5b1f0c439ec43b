using System.Diagnostics;
using Grassroots.Data;
using Grassroots.Exchange;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;

namespace Grassroots.Benchmarks;

/// <summary>
/// Roster export and people import at the registry's scale: the services as the web endpoints call them,
/// timed from the request's start to the last byte written or the import's commit.
/// </summary>
internal static class ExchangeBenchmark
{
    public static async Task RunAsync(Func<ServiceProvider> services, string conn, int runs)
    {
        // Export: a county clerk's whole roster (all people of one county, ≥ 10,000 rows at 100,000 people).
        var exportTimes = new List<double>();
        var rows = 0;
        long bytes = 0;
        for (var i = 0; i < runs + 1; i++)
        {
            using var sp = services();
            await using var s = sp.CreateAsyncScope();
            SignIn(s.ServiceProvider, "542521");
            var exporter = s.ServiceProvider.GetRequiredService<RosterExporter>();
            using var output = new MemoryStream();
            var sw = Stopwatch.StartNew();
            var export = await exporter.ExportAsync(new PeopleQuery(), output, null, default);
            sw.Stop();
            rows = export.Rows;
            bytes = output.Length;
            if (i > 0) exportTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        exportTimes.Sort();
        Console.WriteLine($"{"roster export (one county)",-44} {exportTimes[exportTimes.Count / 2],10:F0} {exportTimes[^1],8:F0} {rows,7}  ({bytes / 1024:N0} KiB)");

        // Import: 10,000 new people in one workbook, by a prefecture clerk; removed again after each run.
        List<Unit> units;
        await using (var db = NewSystemDb(conn)) units = await db.Units.AsNoTracking().ToListAsync();
        var workbook = Workbook(units, 10_000);
        var importTimes = new List<double>();
        var imported = 0;
        for (var i = 0; i < runs; i++)
        {
            using var sp = services();
            await using var s = sp.CreateAsyncScope();
            SignIn(s.ServiceProvider, "542500");
            var importer = s.ServiceProvider.GetRequiredService<PeopleImporter>();
            var sw = Stopwatch.StartNew();
            var stages = new List<string>();
            var result = await importer.ImportAsync(new MemoryStream(workbook), new StageTimes(sw, stages), default);
            sw.Stop();
            if (i == 0) Console.WriteLine("  import stages (first run): " + string.Join(", ", stages));
            if (!result.Succeeded) throw new InvalidOperationException("benchmark workbook refused: " + string.Join("; ", result.Errors.Take(5)));
            imported = result.Imported;
            importTimes.Add(sw.Elapsed.TotalMilliseconds);
            await using var db = NewSystemDb(conn);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"People\" WHERE \"IdNumber\" LIKE '110105%'");
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"People\", \"PersonHistory\"");
        }
        importTimes.Sort();
        Console.WriteLine($"{"import of a 10,000-row workbook",-44} {importTimes[importTimes.Count / 2],10:F0} {importTimes[^1],8:F0} {imported,7}  ({workbook.Length / 1024:N0} KiB)");
    }

    /// <summary>Notes when each stage of an import starts and ends (synchronously, unlike Progress&lt;T&gt;).</summary>
    sealed class StageTimes(Stopwatch clock, List<string> stages) : IProgress<ExchangeProgress>
    {
        string? current;

        public void Report(ExchangeProgress value)
        {
            if (value.Stage == current && value.Done < value.Total) return;
            stages.Add($"{value.Stage} {value.Done}/{value.Total} at {clock.Elapsed.TotalSeconds:F2} s");
            current = value.Stage;
        }
    }

    static void SignIn(IServiceProvider sp, string scope) =>
        sp.GetRequiredService<CurrentUser>().SignedIn(new AppUser { UserName = "bench", ScopeCode = scope }, [Roles.PrefectureOrg], RegionCatalog.Embedded.Find(scope)!.Path);

    static byte[] Workbook(List<Unit> units, int count)
    {
        var rows = SyntheticPeople.Make(count, units, seed: 7, regions: ["110105"]).Select(p => new Dictionary<string, object?>
        {
            ["姓名"] = p.Name,
            ["性别"] = p.GenderCode == "1" ? "男" : "女",
            ["民族"] = p.EthnicCode == "01" ? "汉族" : "藏族",
            ["出生日期"] = p.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["身份证号码"] = p.IdNumber.Value,
            ["政治面貌"] = "中共党员",
            ["入党时间"] = p.PartyJoinDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["参加工作时间"] = p.WorkStartDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["学历"] = "大学本科毕业",
            ["工作单位"] = units.First(u => u.Id == p.UnitId).Name,
            ["职务"] = p.Post,
            ["职级"] = p.Rank,
            ["条线"] = PersonNames.Line(p.Line),
            ["身体状况"] = "能正常履职",
            ["掌握语言"] = p.Languages,
            ["联系电话"] = p.Phone,
        });
        using var stream = new MemoryStream();
        stream.SaveAs(rows, sheetName: "人员信息");
        return stream.ToArray();
    }

    static PostgresGrassrootsDb NewSystemDb(string conn) =>
        new(new DbContextOptionsBuilder<PostgresGrassrootsDb>().UseNpgsql(conn).Options, CurrentUser.System("bench"));
}
