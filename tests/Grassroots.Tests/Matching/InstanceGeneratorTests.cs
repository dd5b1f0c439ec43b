using System.Diagnostics;
using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

public sealed class InstanceGeneratorTests
{
    [Fact]
    public void Prefecture_SolvesOptimallyWithAValidCertificate_Quickly()
    {
        var instance = InstanceGenerator.Prefecture(seed: 1);
        Assert.Equal(600, instance.Cadres.Count);
        Assert.Equal(150, instance.Villages.Count);
        var watch = Stopwatch.StartNew();
        var solution = DispatchSolver.Solve(instance);
        watch.Stop();
        Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices));
        Assert.Equal(150, solution.Objective.FirstSecretaries);
        // Generous bound for a loaded test machine; the benchmark records the real figure.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"prefecture solve took {watch.Elapsed}");
    }

    [Fact]
    public void Prefecture_SameSeed_SameInstance_AndWriteParseRoundTrips()
    {
        var first = InstanceGenerator.Prefecture(7);
        var text = new StringWriter();
        first.Write(text);
        var again = new StringWriter();
        InstanceGenerator.Prefecture(7).Write(again);
        Assert.Equal(text.ToString(), again.ToString());

        var parsed = DispatchInstance.Parse(new StringReader(text.ToString()));
        Assert.Equal(first.Villages, parsed.Villages);
        Assert.Equal(first.Units, parsed.Units);
        Assert.Equal(first.Cadres, parsed.Cadres);
        Assert.Equal(DispatchSolver.Solve(first).Objective, DispatchSolver.Solve(parsed).Objective);
    }

    [Fact]
    public void Create_SmallInstances_MatchBruteForce()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var instance = InstanceGenerator.Create(seed, cadres: 6, villages: 2, units: 3, counties: 3);
            Assert.Equal(DispatchTestInstances.BruteForce(instance), DispatchSolver.Solve(instance).Objective);
        }
    }

    [Fact]
    public void Create_MediumInstances_CarryAValidOptimalityCertificate()
    {
        // More cadres than slots in some, fewer in others: the certificate proves each plan optimal independently.
        for (var seed = 0; seed < 30; seed++)
        {
            var instance = InstanceGenerator.Create(seed, cadres: 20 + 5 * seed, villages: 20, units: 8, counties: 4);
            var solution = DispatchSolver.Solve(instance);
            Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices));
        }
    }
}
