using System.Diagnostics.CodeAnalysis;

namespace Grassroots.Regions;

/// <summary>
/// A node of the administrative tree: 6 digits (GB/T 2260, province / prefecture / county),
/// 9 digits (township, GB/T 10114) or 12 digits (village or community, statistical division code).
/// </summary>
/// <remarks>Only the shape is checked here; whether the code exists is the catalog's question.</remarks>
public readonly record struct RegionCode
{
    RegionCode(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse(string? text, [NotNullWhen(true)] out RegionCode? code, out string? error)
    {
        code = null;
        var s = text?.Trim() ?? "";
        if (s.Length == 0) { error = "区划代码不能为空。"; return false; }
        if (!s.All(char.IsAsciiDigit)) { error = $"区划代码“{s}”只能由数字组成。"; return false; }
        if (s.Length is not (6 or 9 or 12)) { error = $"区划代码“{s}”应为 6、9 或 12 位数字，实际为 {s.Length} 位。"; return false; }
        error = null;
        code = new RegionCode(s);
        return true;
    }

    public static RegionCode Parse(string text) =>
        TryParse(text, out var code, out var error) ? code.Value : throw new FormatException(error);

    /// <summary>The six-digit county (or higher) code this code falls under.</summary>
    public string CountyPrefix => Value[..6];

    public override string ToString() => Value;
}
