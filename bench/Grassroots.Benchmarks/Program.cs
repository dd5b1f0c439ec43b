using BenchmarkDotNet.Running;
using Grassroots.Benchmarks;

// dotnet run -c Release --project bench/Grassroots.Benchmarks -- registry --postgres "Host=…;Username=…" [--people 100000]
// dotnet run -c Release --project bench/Grassroots.Benchmarks -- micro [BenchmarkDotNet filters]
// dotnet run -c Release --project bench/Grassroots.Benchmarks -- dispatch [--scale prefecture|province|nation] [--seed N] [--runs N] [--write INSTANCE.txt]
// dotnet run -c Release --project bench/Grassroots.Benchmarks -- dashboard --postgres CONN [--cadres 50000] [--runs 31] [--warmup 40] [--reload] [--trace]
// dotnet run -c Release --project bench/Grassroots.Benchmarks -- checkin-setup --postgres CONN --accounts N --out FILE  (used by bench/checkin-load.sh)
if (args.Length > 0 && args[0] == "registry") return await RegistryBenchmark.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "dispatch") return DispatchBenchmark.Run(args[1..]);
if (args.Length > 0 && args[0] == "dispatch-child") return DispatchBenchmark.RunChild(args[1..]);
if (args.Length > 0 && args[0] == "dashboard") return await DashboardBenchmark.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "checkin-setup") return await CheckInSetup.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(PerRowCosts).Assembly).Run(args[1..]);
    return 0;
}
Console.Error.WriteLine("usage: registry --postgres CONN [--people N] | micro [filters] | dispatch [--scale prefecture|province|nation] [--seed N] [--runs N] [--write FILE] | dashboard --postgres CONN [--cadres N] [--runs N] [--warmup N] [--reload] [--trace] | checkin-setup --postgres CONN --accounts N --out FILE");
return 2;
