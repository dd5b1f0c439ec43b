using System.CommandLine;
using System.Globalization;
using Grassroots.Common;
using Grassroots.Selection;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Grassroots.Cli;

public static partial class CliApp
{
    /// <summary><c>grassroots rounds list | candidates ROUND | eligibility ROUND</c>: selection rounds and their candidates.</summary>
    static Command RoundsCommand(IAnsiConsole console)
    {
        var rounds = new Command("rounds", "选派批次：批次列表、人选名单、资格（1+2+X）审查结果。");

        var list = new Command("list", "列出选派批次（状态、参照日期、需求和人选数）。");
        list.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var all = await sp.GetRequiredService<RoundService>().ListAsync(ct);
            if (all.Count == 0) { Out(p).WriteLine("还没有选派批次。"); return Ok; }
            foreach (var r in all)
            {
                Out(p).WriteLine($"{r.Name}【{r.StatusName}】{r.RegionName}  编号 {r.Id}");
                Out(p).WriteLine($"  参照日期 {Date(r.ReferenceDate)}；任期 {Date(r.TermStart)}～{Date(r.TermEnd)}（{r.TermMonths} 个月）；需求 {Num(r.Villages)} 个村（居），第一书记 {Num(r.Villages)} 人、队员 {Num(r.Members)} 人；"
                    + $"人选 {Num(r.Candidates)} 人（待审核 {Num(r.Pending)}，已通过 {Num(r.Approved)}）");
            }
            return Ok;
        }));

        var round = new Argument<string>("ROUND") { Description = "批次名称或编号（见 grassroots rounds list）。" };
        var status = new Option<string?>("--status") { Description = "审核状态：pending（待审核）、approved（已通过）、rejected（未通过）、withdrawn（已撤回）。" };
        var entry = new Option<string?>("--entry") { Description = "报名方式：selfNomination（个人自荐）、unitRecommendation（单位推荐）。" };
        var outcome = new Option<string?>("--outcome") { Description = "资格结果：pass（符合）、fail（不符合）、unknown（待核实）。" };

        var candidates = new Command("candidates", "列出批次的人选（姓名、单位、报名方式、审核状态、资格结果）。") { round, status, entry, outcome };
        candidates.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var id = await ResolveRoundAsync(sp, p.GetValue(round)!, ct);
            var rows = await sp.GetRequiredService<CandidateService>().AllAsync(id, new CandidateQuery { Status = p.GetValue(status), Entry = p.GetValue(entry), Outcome = p.GetValue(outcome) }, ct);
            // One tab-separated line per candidate, so the list reads in a terminal and in a script alike.
            Out(p).WriteLine(string.Join('\t', "姓名", "单位", "所在区划", "报名方式", "审核状态", "资格", "第一书记条件", "一好双强"));
            foreach (var c in rows)
                Out(p).WriteLine(string.Join('\t', c.Name, c.UnitName ?? "", c.RegionName, c.EntryName, c.StatusName, c.OutcomeName,
                    SelectionNames.Outcome(Enum.Parse<RuleOutcome>(c.FirstSecretaryOutcome, ignoreCase: true)), c.Attested ? "已鉴定" : "未鉴定"));
            Out(p).WriteLine($"共 {rows.Count} 人。");
            return Ok;
        }));

        var eligibility = new Command("eligibility", "逐人列出资格审查结果（1+2+X，按批次参照日期）；不符合或待核实的写明条件和原因。") { round, status };
        eligibility.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var id = await ResolveRoundAsync(sp, p.GetValue(round)!, ct);
            var detail = await sp.GetRequiredService<RoundService>().GetAsync(id, ct);
            var rows = await sp.GetRequiredService<CandidateService>().AllAsync(id, new CandidateQuery { Status = p.GetValue(status) }, ct);
            Out(p).WriteLine($"{detail.Name}：参照日期 {Date(detail.ReferenceDate)}；资格条件：{string.Join("；", detail.Rules.Select(r => $"{r.Group} {r.Title}"))}。");
            Out(p).WriteLine(string.Join('\t', "姓名", "单位", "审核状态", "资格", "可任第一书记", "原因"));
            foreach (var c in rows)
                Out(p).WriteLine(string.Join('\t', c.Name, c.UnitName ?? "", c.StatusName, c.OutcomeName, c.FirstSecretaryOutcome == "pass" ? "是" : "否", c.Blocking ?? "—"));
            var pass = rows.Count(c => c.Outcome == "pass");
            var fail = rows.Count(c => c.Outcome == "fail");
            var unknown = rows.Count(c => c.Outcome == "unknown");
            Out(p).WriteLine($"共 {rows.Count} 人：符合 {pass} 人，不符合 {fail} 人，待核实 {unknown} 人；符合第一书记条件 {rows.Count(c => c.FirstSecretaryOutcome == "pass")} 人。");
            return Ok;
        }));

        rounds.Subcommands.Add(list);
        rounds.Subcommands.Add(candidates);
        rounds.Subcommands.Add(eligibility);
        return rounds;
    }

    /// <summary>A round by its id or its exact name; a name shared by rounds of two regions is ambiguous.</summary>
    static async Task<Guid> ResolveRoundAsync(IServiceProvider sp, string text, CancellationToken ct)
    {
        if (Guid.TryParse(text, out var id)) return id;
        var matches = (await sp.GetRequiredService<RoundService>().ListAsync(ct)).Where(r => r.Name == text.Trim()).ToList();
        return matches.Count switch
        {
            1 => matches[0].Id,
            0 => throw new NotFoundException($"名为“{text}”的选派批次"),
            _ => throw new DomainRuleException($"有 {matches.Count} 个批次名为“{text}”，请改用编号（见 grassroots rounds list）。"),
        };
    }

    /// <summary>Plain lines go straight to the output (not through the console's renderer, which wraps at its width).</summary>
    static TextWriter Out(ParseResult p) => p.InvocationConfiguration.Output;

    static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
