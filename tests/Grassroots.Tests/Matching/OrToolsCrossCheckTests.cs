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

    static DispatchObjective OrTools(DispatchInstance instance) => Grassroots.Benchmarks.OrToolsReference.Solve(instance);
}
