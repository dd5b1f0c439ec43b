using Grassroots.Cli;
using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

/// <summary><c>grassroots plan solve-instance</c> run in-process on instance files in a temporary folder.</summary>
public sealed class CliSolveTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("grassroots-plan-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    const string Instance = """
        grassroots-dispatch 1
        cost	mismatch=50	per_km=1
        villages	2
        a	r	c1	party	31	80	1	1
        b	r	c2	legal	31	82	1	0
        units	2
        ua	r	c3	31	80.1
        ub	r	c4	31	81.9
        cadres	4
        k1	ua	party	1	0
        k2	ub	legal	1	0
        k3	ua	party	0	1
        k4	ub	legal	0	0
        """;

    static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(args, output);
        return (code, output.ToString());
    }

    string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task SolveInstance_PrintsTheObjectiveAndWritesThePlan()
    {
        var input = Write("ali.txt", Instance);
        var planPath = Path.Combine(folder, "ali.plan");
        var (code, output) = await RunAsync("plan", "solve-instance", input, "--out", planPath);

        Assert.Equal(CliApp.Ok, code);
        var expected = DispatchSolver.Solve(DispatchInstance.Parse(new StringReader(Instance))).Objective;
        Assert.Equal(new DispatchObjective(2, 4, expected.Cost), expected);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"objective 2,4,{expected.Cost}", "fs_filled 2", "filled 4", $"cost {expected.Cost}"], lines);

        var plan = File.ReadAllLines(planPath);
        Assert.Equal(4, plan.Length);
        Assert.Contains("k1\ta\tF", plan);
        Assert.Contains("k3\ta\tM", plan); // the speaker member is written M, as the plan format says
        Assert.Contains("k2\tb\tF", plan);
        Assert.Contains("k4\tb\tM", plan);
    }

    [Fact]
    public async Task SolveInstance_WithoutOut_WritesNoPlanFile()
    {
        var input = Write("ali.txt", Instance);
        var (code, _) = await RunAsync("plan", "solve-instance", input);
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal(["ali.txt"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task SolveInstance_ABadFile_ExitsOneWithTheParsersMessage()
    {
        var input = Write("bad.txt", Instance.Replace("k3\tua\tparty\t0\t1", "k3\tua\tfarming\t0\t1"));
        var (code, output) = await RunAsync("plan", "solve-instance", input, "--out", Path.Combine(folder, "bad.plan"));
        Assert.Equal(CliApp.Refused, code);
        Assert.Contains("第 12 行：条线应为 party、economic、legal、agri、tech 或 other，实为 “farming”。", output.ReplaceLineEndings(""));
        Assert.False(File.Exists(Path.Combine(folder, "bad.plan")));
    }

    [Fact]
    public async Task SolveInstance_AMissingFile_IsAUsageError()
    {
        var (code, output) = await RunAsync("plan", "solve-instance", Path.Combine(folder, "none.txt"));
        Assert.Equal(CliApp.Usage, code);
        Assert.Contains("找不到文件", output);
    }

    [Fact]
    public async Task SolveInstance_AnOutPathInAMissingFolder_FailsWithTheReason()
    {
        var input = Write("ali.txt", Instance);
        var (code, output) = await RunAsync("plan", "solve-instance", input, "--out", Path.Combine(folder, "missing", "ali.plan"));
        Assert.Equal(CliApp.Failed, code);
        Assert.Contains("无法写出方案文件", output);
    }
}
