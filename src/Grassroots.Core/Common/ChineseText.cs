using System.Globalization;
using System.Text;

namespace Grassroots.Common;

/// <summary>
/// Ordering and search helpers for Chinese names: the roster order by surname strokes (按姓氏笔画排序) and pinyin
/// initials for search.
/// </summary>
/// <remarks>
/// Strokes are counted as in mainland China (阝 2, 辶 3, 艹 3, 黄 11), from the Unihan table embedded as
/// <c>cjk-stroke-counts.csv</c>. ICU's stroke collation is not used for this: it counts those components the
/// Taiwan way (陈 8, 黄 12, 达 7), which puts common surnames one group too late, and its keys would change with
/// the ICU version of the machine, while sort keys are stored.
/// </remarks>
public static class ChineseText
{
    /// <summary>Stored length of <see cref="StrokeSortKey"/> (the column's size); longer keys are cut.</summary>
    public const int MaxSortKeyLength = 200;

    /// <summary>Stroke count given to Han characters outside the table (beyond the Basic Multilingual Plane).</summary>
    public const int UnknownStrokes = 0xFF;

    static readonly byte[] Strokes = LoadStrokes();
    static readonly CompareInfo Pinyin = CultureInfo.GetCultureInfo("zh-CN").CompareInfo;

    // The first character of each initial letter in pinyin collation order (ICU zh pinyin).
    static readonly (char Boundary, char Letter)[] PinyinBoundaries =
    [
        ('阿', 'a'), ('八', 'b'), ('嚓', 'c'), ('咑', 'd'), ('妸', 'e'), ('发', 'f'), ('旮', 'g'), ('哈', 'h'),
        ('丌', 'j'), ('咔', 'k'), ('垃', 'l'), ('妈', 'm'), ('拏', 'n'), ('噢', 'o'), ('妑', 'p'), ('七', 'q'),
        ('呥', 'r'), ('仨', 's'), ('他', 't'), ('屲', 'w'), ('夕', 'x'), ('丫', 'y'), ('帀', 'z'),
    ];

    /// <summary>Surnames read differently from the character's common reading (曾 Zēng, not céng), longest first.</summary>
    static readonly (string Surname, string Initials)[] SurnameReadings =
    [
        ("尉迟", "yc"), ("万俟", "mq"), ("澹台", "tt"), ("单于", "cy"),
        ("曾", "z"), ("单", "s"), ("仇", "q"), ("解", "x"), ("区", "o"), ("查", "z"), ("翟", "z"), ("乐", "y"),
        ("种", "c"), ("召", "s"), ("折", "s"), ("繁", "p"), ("秘", "b"),
    ];

    /// <summary>
    /// A string whose ordinal order is the roster order of <paramref name="name"/>: character by character, fewer
    /// strokes first; characters with the same count in code point order (radical, then remaining strokes).
    /// </summary>
    /// <remarks>
    /// Each letter or digit gives two hex digits of stroke count (0 for Latin letters and digits, which therefore
    /// come first) and five of code point; spaces and punctuation such as the · of transliterated names are skipped.
    /// The order within one stroke count is not the first-stroke order (横竖撇点折) of printed rosters: the table
    /// has no stroke sequences.
    /// </remarks>
    public static string StrokeSortKey(string name)
    {
        var key = new StringBuilder();
        foreach (var rune in Normalise(name).EnumerateRunes())
        {
            if (!Rune.IsLetterOrDigit(rune)) continue;
            var r = Rune.ToLowerInvariant(rune);
            key.Append(StrokeCount(r).ToString("X2", CultureInfo.InvariantCulture));
            key.Append(r.Value.ToString("X5", CultureInfo.InvariantCulture));
            if (key.Length >= MaxSortKeyLength) return key.ToString(0, MaxSortKeyLength);
        }
        return key.ToString();
    }

    /// <summary>
    /// Strokes of a Han character as counted in mainland China; 0 for anything that is not a Han character;
    /// <see cref="UnknownStrokes"/> for Han characters outside the table.
    /// </summary>
    public static int StrokeCount(Rune rune)
    {
        if (rune.IsBmp && Strokes[rune.Value] is var n and > 0) return n;
        return IsHan(rune) ? UnknownStrokes : 0;
    }

    /// <summary>
    /// Lower-case pinyin initials: 张三 → zs, 曾国藩 → zgf (surname readings), Li明 → lim. Latin letters and digits
    /// (full-width too) are kept; punctuation and characters without a reading are skipped.
    /// </summary>
    public static string PinyinInitials(string name)
    {
        var text = Normalise(name).Trim();
        var chars = new StringBuilder(text.Length);
        var start = 0;
        foreach (var (surname, initials) in SurnameReadings)
        {
            if (!text.StartsWith(surname, StringComparison.Ordinal)) continue;
            chars.Append(initials);
            start = surname.Length;
            break;
        }
        foreach (var rune in text.AsSpan(start).EnumerateRunes())
        {
            if (rune.IsAscii && Rune.IsLetterOrDigit(rune)) { chars.Append(char.ToLowerInvariant((char)rune.Value)); continue; }
            if (!rune.IsBmp || !IsHan(rune)) continue;
            var letter = InitialOf((char)rune.Value);
            if (letter != NoInitial) chars.Append(letter);
        }
        return chars.ToString();
    }

    const char NoInitial = '\uFFFF';

    /// <summary>Initials found so far, by character (0 = not yet looked up): the ICU comparisons run once per character.</summary>
    static readonly char[] Initials = new char[0x10000];

    static char InitialOf(char ch)
    {
        var known = Initials[ch]; // a char is written atomically; two threads may both look it up, with the same result
        if (known != '\0') return known;
        var s = ch.ToString();
        var letter = NoInitial;
        foreach (var (boundary, l) in PinyinBoundaries)
        {
            if (Pinyin.Compare(s, boundary.ToString(), CompareOptions.None) >= 0) letter = l;
            else break;
        }
        Initials[ch] = letter;
        return letter;
    }

    /// <summary>NFKC: full-width letters and digits become ASCII, compatibility ideographs their unified form.</summary>
    static string Normalise(string name) => name.IsNormalized(NormalizationForm.FormKC) ? name : name.Normalize(NormalizationForm.FormKC);

    static bool IsHan(Rune r) => r.Value is (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x3FFFF);

    static byte[] LoadStrokes()
    {
        var table = new byte[0x10000];
        foreach (var row in ReferenceData.ReadCsv("cjk-stroke-counts.csv"))
        {
            var count = byte.Parse(row[0], CultureInfo.InvariantCulture);
            foreach (var ch in row[1]) table[ch] = count;
        }
        return table;
    }
}
