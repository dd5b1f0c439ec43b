using Grassroots.Cli;
using Grassroots.Tests.Exchange;

namespace Grassroots.Tests.Selection;

/// <summary><c>grassroots rounds …</c> on the demo data set (a temporary SQLite file).</summary>
public sealed class RoundsCliTests
{
    static async Task<(int Code, string Output)> RunAsync(TempDatabase db, params string[] args)
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["--sqlite", db.Path, .. args], output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Rounds_ListCandidatesAndEligibility_OnTheDemoDataSet()
    {
        await using var db = new TempDatabase();
        Assert.Equal(CliApp.Ok, (await RunAsync(db, "db", "migrate")).Code);
        Assert.Equal(CliApp.Ok, (await RunAsync(db, "demo", "seed")).Code);

        var (code, output) = await RunAsync(db, "rounds", "list");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("2026年度驻村工作队选派", output, StringComparison.Ordinal);
        Assert.Contains("已发布", output, StringComparison.Ordinal); // the 2026 round, published by the demo
        Assert.Contains("征集中", output, StringComparison.Ordinal);
        Assert.Contains("471", output, StringComparison.Ordinal);

        (code, output) = await RunAsync(db, "rounds", "candidates", "2027年度驻村工作队选派（征集中）", "--status", "pending");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("共 6 人。", output, StringComparison.Ordinal);
        Assert.Contains("待核实", output, StringComparison.Ordinal);

        (code, output) = await RunAsync(db, "rounds", "eligibility", "2027年度驻村工作队选派（征集中）");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("入党时间未填写", output, StringComparison.Ordinal);
        Assert.Contains("年龄不超过 55 周岁", output, StringComparison.Ordinal);
        Assert.Matches(@"共 6 人：符合 3 人，不符合 2 人，待核实 1 人", output);

        (code, output) = await RunAsync(db, "rounds", "eligibility", "2026年度驻村工作队选派");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("共 616 人：符合 616 人，不符合 0 人，待核实 0 人；符合第一书记条件 145 人。", output, StringComparison.Ordinal);

        (code, output) = await RunAsync(db, "rounds", "candidates", "没有这个批次");
        Assert.Equal(CliApp.Refused, code);
        Assert.Contains("未找到名为“没有这个批次”的选派批次", output, StringComparison.Ordinal);

        (code, output) = await RunAsync(db, "rounds", "candidates", "2026年度驻村工作队选派", "--outcome", "maybe");
        Assert.Equal(CliApp.Refused, code);
        Assert.Contains("资格结果“maybe”无效", output, StringComparison.Ordinal);
    }
}
