using System.Diagnostics;
using System.Globalization;
using Grassroots.Matching;

namespace Grassroots.Benchmarks;

/// <summary>Median and p95 of 21 exact solves of the seeded prefecture-scale dispatch instance (600 cadres, 150 villages).</summary>
static class DispatchBenchmark
{
    public static int Run(string[] args)
    {
        var seed = 1;
        string? write = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--seed") seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--write") write = args[i + 1];
        }
        var instance = InstanceGenerator.Prefecture(seed);
        if (write is not null)
        {
            // The same instance as a file, for grassroots plan solve-instance.
            using var writer = new StreamWriter(write, append: false, new System.Text.UTF8Encoding(false));
            instance.Write(writer);
        }
        var warm = DispatchSolver.Solve(instance);
        var times = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var watch = Stopwatch.StartNew();
            DispatchSolver.Solve(instance);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var verify = Stopwatch.StartNew();
        var problems = PlanCertificate.Verify(instance, warm.Plan, warm.Prices);
        verify.Stop();
        var arcs = Enumerable.Range(0, instance.Cadres.Count).Sum(c => Enumerable.Range(0, instance.Villages.Count).Count(v => instance.IsAllowed(c, v)));
        Console.WriteLine(FormattableString.Invariant(
            $"dispatch prefecture seed {seed}: {instance.Cadres.Count} cadres, {instance.Villages.Count} villages, {instance.TotalSlots} slots, {arcs} allowed pairs"));
        Console.WriteLine(FormattableString.Invariant($"objective {warm.Objective} (fs_filled,filled,cost)"));
        Console.WriteLine(FormattableString.Invariant($"solve median {times[10]:F1} ms, p95 {times[19]:F1} ms, min {times[0]:F1} ms (21 runs)"));
        Console.WriteLine(FormattableString.Invariant($"certificate check {verify.Elapsed.TotalMilliseconds:F1} ms: {(problems.Count == 0 ? "optimal" : string.Join("; ", problems))}"));
        // The reference, side by side in this process: OR-Tools 9.15 min-cost flow on the same dense network.
        var reference = OrToolsReference.Solve(instance);
        var refTimes = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            OrToolsReference.Solve(instance);
            refTimes.Add(watch.Elapsed.TotalMilliseconds);
        }
        refTimes.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"OR-Tools min-cost flow (dense): objective {reference}, median {refTimes[2]:F1} ms (5 runs); ratio {refTimes[2] / times[10]:F1}× ({(reference == warm.Objective ? "same optimum" : "DIFFERENT optimum")})"));
        return problems.Count == 0 && reference == warm.Objective ? 0 : 1;
    }
}
