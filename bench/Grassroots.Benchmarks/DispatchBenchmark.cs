using System.Diagnostics;
using System.Globalization;
using Grassroots.Matching;

namespace Grassroots.Benchmarks;

/// <summary>
/// The dispatch planner against OR-Tools 9.15 min-cost flow at prefecture, province and nation scale. Each solver runs in
/// a child process of its own, so its peak memory (VmHWM, reset after the instance is loaded) is its own; times are
/// medians of in-process runs from the loaded instance to the verified plan (ours) or to the solved flow (OR-Tools).
/// </summary>
static class DispatchBenchmark
{
    sealed record Result(string Solver, DispatchObjective Objective, double Median, double MedianSolve, double MedianCheck, int Runs, long PeakKiB, string Note, double Best, double MedianCpu, string Load, double First);

    public static int Run(string[] args)
    {
        var scale = "prefecture";
        var seed = 1;
        int? runs = null;
        string? write = null;
        var jit = "full";
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--scale": scale = args[i + 1]; break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--write": write = args[i + 1]; break;
                case "--jit": jit = args[i + 1]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (scale is not ("prefecture" or "province" or "nation")) { Console.Error.WriteLine("--scale prefecture|province|nation"); return 2; }
        if (jit is not ("full" or "tiered")) { Console.Error.WriteLine("--jit full|tiered"); return 2; }
        var instance = Generate(scale, seed);
        var pairs = AllowedPairs(instance);
        Console.WriteLine(FormattableString.Invariant(
            $"dispatch {scale} seed {seed}: {instance.Cadres.Count:N0} cadres, {instance.Villages.Count:N0} villages, {instance.TotalSlots:N0} slots, {instance.Units.Count:N0} units, {instance.Villages.Select(v => v.Region).Distinct().Count()} regions, {pairs:N0} allowed cadre–village pairs"));
        if (write is not null)
        {
            using var writer = new StreamWriter(write, append: false, new System.Text.UTF8Encoding(false));
            instance.Write(writer);
            Console.WriteLine($"instance written to {write}");
        }
        instance = null;
        GC.Collect();
        Console.WriteLine(jit == "full"
            ? "jit: full — both solvers' child processes run with tiered compilation off (DOTNET_TieredCompilation=0): every method is compiled optimised on its first call, in the first run"
            : "jit: tiered — the runtime's defaults, as the product runs: the first runs execute partly unoptimised code");

        var ourRuns = runs ?? scale switch { "prefecture" => 21, "province" => 5, _ => 3 };
        var ours = Child("ours", scale, seed, ourRuns, jit);
        Print(ours);
        var reference = scale == "prefecture"
            ? Child("ortools-dense", scale, seed, Math.Min(ourRuns, 5), jit)
            : Child("ortools-nearest20", scale, seed, scale == "province" ? Math.Min(ourRuns, 3) : 1, jit);
        Print(reference);
        if (ours is null || reference is null) return 1;
        Console.WriteLine(FormattableString.Invariant(
            $"ratio OR-Tools / planner: time {reference.Median / ours.Median:F1}×, peak memory {(double)reference.PeakKiB / ours.PeakKiB:F2}×"));
        if (scale == "prefecture")
        {
            var same = reference.Objective == ours.Objective;
            Console.WriteLine(same ? "same optimum" : "DIFFERENT optimum");
            return same && ours.Note == "optimal" ? 0 : 1;
        }
        var cmp = ours.Objective.CompareTo(reference.Objective);
        Console.WriteLine(cmp > 0 ? "the dense optimum is better than the nearest-20 optimum (pruning loses placements or cost)"
            : cmp == 0 ? "the nearest-20 graph reaches the dense optimum on this instance" : "ERROR: the pruned optimum beats the dense one");
        return cmp >= 0 && ours.Note == "optimal" ? 0 : 1;
    }

    static DispatchInstance Generate(string scale, int seed) => scale switch
    {
        "province" => InstanceGenerator.Province(seed),
        "nation" => InstanceGenerator.Nation(seed),
        _ => InstanceGenerator.Prefecture(seed),
    };

    static long AllowedPairs(DispatchInstance instance)
    {
        // Per unit: villages of its region outside its county, times its cadres.
        var villagesByRegion = instance.Villages.GroupBy(v => v.Region).ToDictionary(g => g.Key, g => g.GroupBy(v => v.County).ToDictionary(c => c.Key, c => c.Count()));
        var cadresByUnit = new int[instance.Units.Count];
        for (var c = 0; c < instance.Cadres.Count; c++) cadresByUnit[instance.UnitIndexOf(c)]++;
        long pairs = 0;
        for (var u = 0; u < instance.Units.Count; u++)
        {
            var unit = instance.Units[u];
            if (!villagesByRegion.TryGetValue(unit.Region, out var counties)) continue;
            pairs += (long)cadresByUnit[u] * (counties.Values.Sum() - counties.GetValueOrDefault(unit.County));
        }
        return pairs;
    }

    static void Print(Result? r)
    {
        if (r is null) return;
        var check = r.MedianCheck > 0 ? FormattableString.Invariant($" (solve {r.MedianSolve:F1} ms + certificate {r.MedianCheck:F1} ms)") : "";
        Console.WriteLine(FormattableString.Invariant(
            $"{r.Solver}: objective {r.Objective} (fs_filled {r.Objective.FirstSecretaries:N0}, filled {r.Objective.Filled:N0}, cost {r.Objective.Cost:N0}); median {r.Median:F1} ms{check} over {r.Runs} runs (best {r.Best:F1} ms, first {r.First:F1} ms); processor time median {r.MedianCpu:F1} ms; peak {r.PeakKiB / 1024.0:F0} MiB; load average {r.Load}; {r.Note}"));
    }

    static Result? Child(string solver, string scale, int seed, int runs, string jit)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (jit == "full") start.Environment["DOTNET_TieredCompilation"] = "0";
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(DispatchBenchmark).Assembly.Location);
        foreach (var a in new[] { "dispatch-child", solver, scale, seed.ToString(CultureInfo.InvariantCulture), runs.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT\t", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            Console.WriteLine($"{solver}: failed (exit {process.ExitCode})\n{output}");
            return null;
        }
        var f = line.Split('\t');
        double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new Result(solver, new DispatchObjective(int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture)),
            D(4), D(5), D(6), runs, long.Parse(f[7], CultureInfo.InvariantCulture), f[8], D(9), D(10), f[11], D(12));
    }

    /// <summary>The one-minute load average of the machine (from /proc/loadavg), or "?" where there is none.</summary>
    static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
        catch (UnauthorizedAccessException) { return "?"; }
    }

    /// <summary>The child: loads the instance, resets the peak, runs one solver <c>runs</c> times, prints one RESULT line.</summary>
    public static int RunChild(string[] args)
    {
        var (solver, scale, seed, runs) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
        var instance = Generate(scale, seed);
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current resident set
        var total = new List<double>();
        var cpu = new List<double>();
        var loadBefore = LoadAverage();
        var solve = new List<double>();
        var check = new List<double>();
        DispatchObjective objective = default;
        var note = "";
        for (var i = 0; i < runs; i++)
        {
            var processor = Process.GetCurrentProcess().TotalProcessorTime;
            var pause = GC.GetTotalPauseDuration();
            var collections = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var watch = Stopwatch.StartNew();
            if (solver == "ours")
            {
                var solution = DispatchSolver.Solve(instance);
                var solved = watch.Elapsed.TotalMilliseconds;
                var problems = PlanCertificate.Verify(instance, solution.Plan, solution.Prices);
                total.Add(watch.Elapsed.TotalMilliseconds);
                solve.Add(solved);
                check.Add(total[^1] - solved);
                objective = solution.Objective;
                note = problems.Count == 0 ? "optimal" : "CERTIFICATE FAILED: " + string.Join("; ", problems.Take(5));
            }
            else
            {
                objective = solver == "ortools-dense" ? OrToolsReference.Solve(instance) : OrToolsReference.SolveNearest(instance, 20);
                total.Add(watch.Elapsed.TotalMilliseconds);
                note = solver == "ortools-dense" ? "OR-Tools min-cost flow, dense network" : "OR-Tools min-cost flow, nearest-20 network";
            }
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - processor).TotalMilliseconds);
            Console.Error.WriteLine(FormattableString.Invariant(
                $"{solver} run {i + 1}: {total[^1]:F1} ms, processor {cpu[^1]:F1} ms; garbage collections {GC.CollectionCount(0) - collections.Item1}/{GC.CollectionCount(1) - collections.Item2}/{GC.CollectionCount(2) - collections.Item3} (gen 0/1/2), paused {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms"));
        }
        var peak = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var peakKiB = long.Parse(peak.Split([" ", "\t"], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        static double Median(List<double> x) => x.Count == 0 ? 0 : x.Order().ElementAt(x.Count / 2);
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT\t{objective.FirstSecretaries}\t{objective.Filled}\t{objective.Cost}\t{Median(total)}\t{Median(solve)}\t{Median(check)}\t{peakKiB}\t{note}\t{total.Min()}\t{Median(cpu)}\t{loadBefore}–{LoadAverage()}\t{total[0]}"));
        return 0;
    }
}
