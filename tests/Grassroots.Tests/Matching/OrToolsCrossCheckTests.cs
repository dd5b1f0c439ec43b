using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

/// <summary>
/// The planner's optimum equals Google OR-Tools' min-cost flow (the reference, a test-only dependency) on the same
/// weighted network, over every allowed pair, on hundreds of small random instances.
/// </summary>
public sealed class OrToolsCrossCheckTests
{
    [Fact]
    public void Solve_OnSmallRandomInstances_EqualsOrToolsMinCostFlow()
    {
        var random = new Random(915);
        for (var i = 0; i < 300; i++)
        {
            var instance = DispatchTestInstances.Random(random, maxCadres: 12);
            var ours = DispatchSolver.Solve(instance).Objective;
            var reference = OrTools(instance);
            Assert.True(reference == ours, $"instance {i}: OR-Tools {reference}, planner {ours}");
        }
    }

    [Fact]
    public void Solve_OnAGeneratedPrefectureSizedInstance_EqualsOrTools()
    {
        var instance = InstanceGenerator.Prefecture(3);
        Assert.Equal(OrTools(instance), DispatchSolver.Solve(instance).Objective);
    }

    [Fact]
    public void Solve_OnSmallProvinceShapedInstances_EqualsOrToolsOverEveryPair()
    {
        // Co-located units at prefecture seats reach far: the planner's network grows over several pricing rounds, through
        // its hubs, before no dense pair improves the plan.
        foreach (var seed in new[] { 21, 22, 23 })
        {
            var instance = InstanceGenerator.Province(seed, cadres: 900, villages: 300, prefectures: 3);
            var solution = DispatchSolver.Solve(instance);
            Assert.True(OrTools(instance) == solution.Objective, $"seed {seed}: OR-Tools {OrTools(instance)}, planner {solution.Objective}");
            Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices));
        }
    }

    static DispatchObjective OrTools(DispatchInstance instance) => Grassroots.Benchmarks.OrToolsReference.Solve(instance);
}
