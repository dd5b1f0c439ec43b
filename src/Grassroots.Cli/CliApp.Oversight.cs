using System.CommandLine;
using System.Globalization;
using Grassroots.Common;
using Grassroots.Manage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Grassroots.Cli;

public static partial class CliApp
{
    /// <summary>
    /// <c>grassroots inspections draw --county 542521 --count 5 --seed N</c> (a random draw, reproducible from its seed),
    /// <c>inspections show DRAW</c>, <c>inspections follow-ups [--overdue]</c>; <c>grassroots care export VILLAGE FILE</c>.
    /// </summary>
    static Command InspectionsCommand(IAnsiConsole console)
    {
        var inspections = new Command("inspections", "随机检查：按风险加权随机抽取检查对象（可用随机种子复现）、查看抽取结果、列出跟进事项。");

        var county = new Option<string>("--county") { Description = "抽取范围的区划代码（县），如 542521。", Required = true };
        var count = new Option<int?>("--count") { Description = "抽取的工作队数（默认 5）。" };
        var seed = new Option<int?>("--seed") { Description = "随机种子：不填时自动生成；填写以前的种子，在数据相同时得到相同结果。" };
        var inspectors = new Option<string?>("--inspectors") { Description = "检查人员名单，用逗号或顿号分隔，如 张明,李华,次仁。" };
        var perTeam = new Option<int?>("--per-team") { Description = "每队抽取的检查人员数（默认 2）。" };
        var date = new Option<DateOnly?>("--date") { Description = "计划检查日期（默认今天）。" };
        var draw = new Command("draw", "在一个县按近 30 天在岗率加权随机抽取工作队和检查人员，并为抽中的工作队安排检查；输出随机种子和抽中的工作队。")
            { county, count, seed, inspectors, perTeam, date };
        draw.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var names = (p.GetValue(inspectors) ?? "").Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var result = await sp.GetRequiredService<InspectionService>().DrawAsync(
                new DrawInput(p.GetValue(count), p.GetValue(seed), names, p.GetValue(perTeam), p.GetValue(date), p.GetValue(county)), ct);
            PrintDraw(p, result);
            return Ok;
        }));
        inspections.Subcommands.Add(draw);

        var drawId = new Argument<Guid>("DRAW") { Description = "抽取编号（GUID，draw 的输出中给出）。" };
        var show = new Command("show", "显示一次抽取：随机种子、候选工作队的在岗率和权重、抽中结果，并按保存的数据重新抽取核对。") { drawId };
        show.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var result = await sp.GetRequiredService<InspectionService>().GetDrawAsync(p.GetValue(drawId), ct);
            PrintDraw(p, result);
            foreach (var t in result.Teams.Where(t => t.Order is null))
                Out(p).WriteLine(string.Join('\t', "-", t.VillageCode, t.VillageName, Rate(t.OnPostRate), Weight(t.Weight), "未抽中"));
            return result.Reproduced ? Ok : Failed;
        }));
        inspections.Subcommands.Add(show);

        var overdue = new Option<bool>("--overdue") { Description = "只列出已过办结期限仍未办结的。" };
        var followUps = new Command("follow-ups", "列出办理中的跟进事项（告知、提醒、纠偏），按办结期限排序。") { overdue };
        followUps.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var service = sp.GetRequiredService<InspectionService>();
            var view = p.GetValue(overdue) ? "overdue" : "open";
            Out(p).WriteLine(string.Join('\t', "办结期限", "状态", "方式", "村（居）", "所在乡镇", "涉及人员", "处置要求"));
            var total = 0;
            for (var page = 1; ; page++)
            {
                var rows = await service.FollowUpsAsync(new FollowUpQuery { View = view, Page = page, PageSize = Paging.MaxPageSize }, ct);
                foreach (var f in rows.Items)
                    Out(p).WriteLine(string.Join('\t', Date(f.Deadline), f.Overdue ? $"逾期{f.OverdueDays}天" : f.StatusName, f.KindName, f.VillageName, f.PlaceName, f.PersonName ?? "工作队", f.Text));
                total = rows.Total;
                if (page >= rows.PageCount) break;
            }
            Out(p).WriteLine($"共 {Num(total)} 件。");
            return Ok;
        }));
        inspections.Subcommands.Add(followUps);
        return inspections;
    }

    static void PrintDraw(ParseResult p, DrawDto d)
    {
        Out(p).WriteLine($"draw {d.Id}");
        Out(p).WriteLine($"seed {Num(d.Seed)}");
        Out(p).WriteLine($"{d.RegionName}：按 {Date(d.WindowFrom)}～{Date(d.WindowTo)} 的在岗率加权，从 {Num(d.Teams.Count)} 个工作队中抽取 {Num(d.Count)} 个；计划检查日期 {Date(d.PlannedDate)}；"
            + (d.Reproduced ? "按保存的数据重新抽取，结果一致。" : "按保存的数据重新抽取，结果不一致！"));
        Out(p).WriteLine(string.Join('\t', "顺序", "代码", "村（居）", "在岗率", "权重", "检查人员"));
        foreach (var t in d.Teams.Where(t => t.Order is not null))
            Out(p).WriteLine(string.Join('\t', Num(t.Order!.Value), t.VillageCode, t.VillageName, Rate(t.OnPostRate), Weight(t.Weight), t.Inspectors.Count == 0 ? "—" : string.Join("、", t.Inspectors)));
    }

    static Command CareCommand(IAnsiConsole console)
    {
        var care = new Command("care", "关心关怀经费：导出工作队的安家补贴和办实事经费台账。");
        var village = new Argument<string>("VILLAGE") { Description = "村（居）的区划代码，如 542521100201。" };
        var file = new Argument<FileInfo>("FILE") { Description = "写出的 .xlsx 文件。" };
        var export = new Command("export", "把一个工作队的经费台账导出为 Excel（每项经费一张表：预算、逐笔支出、余额）。") { village, file };
        export.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var code = p.GetValue(village)!.Trim();
            var team = (await sp.GetRequiredService<DispatchService>().TeamChoicesAsync(ct)).FirstOrDefault(t => t.VillageCode == code)
                ?? throw new NotFoundException($"有驻村工作队的村（居）{code}");
            var target = p.GetValue(file)!;
            // The workbook is built in memory (the package needs a readable stream), then written in one go.
            using var buffer = new MemoryStream();
            await sp.GetRequiredService<CareLedgerExporter>().ExportAsync(team.VillageId, buffer, ct);
            await File.WriteAllBytesAsync(target.FullName, buffer.ToArray(), ct);
            console.MarkupLineInterpolated($"[green]已写出 {team.VillageName}的经费台账：{target.FullName}[/]");
            return Ok;
        }));
        care.Subcommands.Add(export);
        return care;
    }

    static string Rate(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    static string Weight(double weight) => weight.ToString("0.00", CultureInfo.InvariantCulture);
}
