using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

public sealed class DispatchInstanceTests
{
    const string Valid = "grassroots-dispatch 1\n# comment\ncost\tmismatch=30\tper_km=2\nvillages\t1\nv1\tr\tc1\tagri\t31.5\t80.1\t3\t1\nunits\t1\nu1\tr\tc2\t32.5\t80.0\ncadres\t1\nk1\tu1\ttech\t1\t0\n";

    static DispatchFormatException ParseError(string text) =>
        Assert.Throws<DispatchFormatException>(() => DispatchTestInstances.Parse(text));

    [Fact]
    public void Parse_AValidFile_ReadsEverySection()
    {
        var instance = DispatchTestInstances.Parse(Valid);
        Assert.Equal(30, instance.MismatchCost);
        Assert.Equal(2, instance.PerKmCost);
        Assert.Equal(new DispatchVillage("v1", "r", "c1", WorkLine.Agri, 31.5, 80.1, 3, true), Assert.Single(instance.Villages));
        Assert.Equal(new DispatchUnit("u1", "r", "c2", 32.5, 80.0), Assert.Single(instance.Units));
        Assert.Equal(new DispatchCadre("k1", "u1", WorkLine.Tech, true, false), Assert.Single(instance.Cadres));
        Assert.Equal(4, instance.TotalSlots);
    }

    [Theory]
    [InlineData("grassroots-dispatch 2\n", 1, "版本")]
    [InlineData("dispatch 1\n", 1, "文件头")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=x\tper_km=1\n", 2, "mismatch应为整数")]
    [InlineData("grassroots-dispatch 1\ncost\tper_km=1\tmismatch=1\n", 2, "应为 mismatch=")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\nv1\tr\tc1\tmedicine\t31\t80\t3\t1\n", 4, "条线应为")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\nv1\tr\tc1\tagri\t91\t80\t3\t1\n", 4, "纬度应在")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\nv1\tr\tc1\tagri\t31\t80\t0\t1\n", 4, "队员名额至少为 1")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\nv1\tr\tc1\tagri\t31\t80\t2\tyes\n", 4, "needs_speaker 应为 0 或 1")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t2\nv1\tr\tc1\tagri\t31\t80\t2\t1\nunits\t0\n", 5, "只有 1 条")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\nv1 r c1 agri 31 80 2 1\n", 4, "制表符")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t2\nv1\tr\tc1\tagri\t31\t80\t2\t1\n\n# x\nv1\tr\tc1\tagri\t31\t80\t2\t1\n", 7, "村编号 “v1” 重复")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t0\nunits\t0\ncadres\t1\nk1\tu9\tparty\t1\t0\n", 6, "派出单位 “u9” 不在 units 段中")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t0\nunits\t0\ncadres\t0\nextra\n", 6, "之后不应再有内容")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t0\ncadres\t0\n", 4, "应为 units 段")]
    [InlineData("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t0\nunits\t0\n", 5, "缺少cadres 段")]
    public void Parse_ABadFile_NamesTheLineAndTheProblem(string text, int line, string problem)
    {
        var error = ParseError(text);
        Assert.Equal(line, error.LineNumber);
        Assert.Contains(problem, error.Message);
        Assert.StartsWith($"第 {line} 行：", error.Message);
    }

    [Fact]
    public void Haversine_OneDegreeOfEquatorAndAQuarterMeridian_AreKnownDistances()
    {
        Assert.Equal(111.19508, Haversine.Kilometres(0, 0, 0, 1), 4);
        Assert.Equal(Math.PI * 6371.0088 / 2, Haversine.Kilometres(0, 0, 90, 0), 6);
        // Lhasa (29.65, 91.1) to Shiquanhe, Ali (32.5, 80.1): about 1,093 km on the sphere.
        Assert.InRange(Haversine.Kilometres(29.65, 91.1, 32.5, 80.1), 1085, 1100);
    }

    [Theory]
    [InlineData(2.5, 3)]
    [InlineData(0.5, 1)]
    [InlineData(-2.5, -3)]
    [InlineData(3.5, 4)]
    [InlineData(2.4999, 2)]
    public void RoundHalfAwayFromZero_RoundsHalvesAwayFromZero(double value, long expected) =>
        Assert.Equal(expected, DispatchInstance.RoundHalfAwayFromZero(value));

    [Fact]
    public void Cost_IsMismatchPlusRoundedRateTimesDistance()
    {
        // Unit on the equator at 0°, village at 0.5° east: 55.597 km; × 3 = 166.79 → 167; lines differ: + 30.
        var instance = new DispatchInstance(30, 3,
            [new DispatchVillage("v", "r", "c1", WorkLine.Party, 0, 0.5, 1, false)],
            [new DispatchUnit("u", "r", "c2", 0, 0)],
            [new DispatchCadre("k", "u", WorkLine.Legal, true, false), new DispatchCadre("k2", "u", WorkLine.Party, true, false)]);
        var km = Haversine.Kilometres(0, 0, 0, 0.5);
        Assert.Equal(30 + (long)Math.Round(3 * km, MidpointRounding.AwayFromZero), instance.Cost(0, 0));
        Assert.Equal(167 + 30, instance.Cost(0, 0));
        Assert.Equal(167, instance.Cost(1, 0));
    }
}
