using System.Globalization;

namespace Grassroots.Common;

/// <summary>
/// Collation helpers for Chinese names, built on ICU through .NET's globalization:
/// the stroke order used by rosters (按姓氏笔画排序) and pinyin initials for search.
/// </summary>
public static class ChineseText
{
    static readonly CompareInfo Stroke = CultureInfo.GetCultureInfo("zh-CN_stroke").CompareInfo;
    static readonly CompareInfo Pinyin = CultureInfo.GetCultureInfo("zh-CN").CompareInfo;

    // The first character of each initial letter in pinyin collation order (ICU zh pinyin).
    static readonly (char Boundary, char Letter)[] PinyinBoundaries =
    [
        ('阿', 'a'), ('八', 'b'), ('嚓', 'c'), ('咑', 'd'), ('妸', 'e'), ('发', 'f'), ('旮', 'g'), ('哈', 'h'),
        ('丌', 'j'), ('咔', 'k'), ('垃', 'l'), ('妈', 'm'), ('拏', 'n'), ('噢', 'o'), ('妑', 'p'), ('七', 'q'),
        ('呥', 'r'), ('仨', 's'), ('他', 't'), ('屲', 'w'), ('夕', 'x'), ('丫', 'y'), ('帀', 'z'),
    ];

    /// <summary>A string whose ordinal order is the stroke-collation order of <paramref name="name"/>.</summary>
    public static string StrokeSortKey(string name) => Convert.ToHexString(Stroke.GetSortKey(name).KeyData);

    /// <summary>Lower-case pinyin initials: 张三 → zs; ASCII letters and digits kept as they are.</summary>
    public static string PinyinInitials(string name)
    {
        var chars = new List<char>(name.Length);
        foreach (var ch in name)
        {
            if (char.IsAsciiLetterOrDigit(ch)) { chars.Add(char.ToLowerInvariant(ch)); continue; }
            if (ch < '\u3400') continue;
            var s = ch.ToString();
            char? letter = null;
            foreach (var (boundary, l) in PinyinBoundaries)
            {
                if (Pinyin.Compare(s, boundary.ToString(), CompareOptions.None) >= 0) letter = l;
                else break;
            }
            if (letter is { } found) chars.Add(found);
        }
        return new string(chars.ToArray());
    }
}
