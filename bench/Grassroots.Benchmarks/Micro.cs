using BenchmarkDotNet.Attributes;
using Grassroots.Common;
using Grassroots.People;

namespace Grassroots.Benchmarks;

/// <summary>The per-row costs of an import: ID validation, stroke sort key, pinyin initials.</summary>
[MemoryDiagnoser]
public class PerRowCosts
{
    static readonly DateOnly Today = new(2026, 11, 27);

    [Benchmark]
    public bool ValidateIdNumber() => IdNumber.TryParse("11010519491231002X", Today, out _, out _);

    [Benchmark]
    public string StrokeSortKey() => ChineseText.StrokeSortKey("扎西次仁");

    [Benchmark]
    public string PinyinInitials() => ChineseText.PinyinInitials("扎西次仁");
}
