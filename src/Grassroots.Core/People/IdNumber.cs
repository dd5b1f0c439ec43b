using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Grassroots.People;

/// <summary>
/// A citizen identity number (公民身份号码, GB 11643-1999): 6-digit region, 8-digit birth date,
/// 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character.
/// </summary>
/// <remarks>
/// Input is normalised first: surrounding and inner spaces removed, full-width digits and letters turned
/// half-width, a lowercase <c>x</c> upper-cased. A legacy 15-digit number (two-digit year) is converted by
/// inserting <c>19</c> after the region code and computing the check character. The birth date must be a
/// real date between <see cref="EarliestBirthDate"/> and today (the caller passes today, so no clock is read
/// here); the lower bound admits the standard's own example <c>440524188001010014</c> (born 1880).
/// The region part is only checked for shape (a province code of 11–82 and six digits): people born in
/// regions that have since been renamed keep their old codes.
/// </remarks>
public readonly record struct IdNumber
{
    static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const string CheckChars = "10X98765432";

    /// <summary>The earliest birth date accepted: catches a mistyped century without refusing the standard's examples.</summary>
    public static readonly DateOnly EarliestBirthDate = new(1800, 1, 1);

    IdNumber(string value) => Value = value;

    public string Value { get; }

    public DateOnly BirthDate => DateOnly.ParseExact(Value.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>GB/T 2261.1 gender code implied by the sequence: "1" male (odd), "2" female (even).</summary>
    public string GenderCode => (Value[16] - '0') % 2 == 1 ? "1" : "2";

    public string RegionPart => Value[..6];

    /// <summary>The masked form shown by default: <c>542521********1234</c>.</summary>
    public string Masked => Mask(Value);

    public static string Mask(string? value) =>
        string.IsNullOrEmpty(value) ? "" : value.Length < 10 ? new string('*', value.Length) : value[..6] + new string('*', value.Length - 10) + value[^4..];

    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * Weights[i];
        return CheckChars[sum % 11];
    }

    /// <summary>Normalises full-width characters, spaces and a lowercase x.</summary>
    public static string Normalise(string? text)
    {
        if (text is null) return "";
        Span<char> buffer = stackalloc char[Math.Min(text.Length, 64)];
        var n = 0;
        foreach (var ch in text)
        {
            var c = ch;
            if (c is >= '\uFF01' and <= '\uFF5E') c = (char)(c - 0xFEE0);
            if (char.IsWhiteSpace(c) || c == '\u3000') continue;
            if (c == 'x') c = 'X';
            if (n == buffer.Length) return text.Trim();
            buffer[n++] = c;
        }
        return new string(buffer[..n]);
    }

    /// <summary>Parses and validates; on failure <paramref name="error"/> says in Chinese which part is wrong.</summary>
    public static bool TryParse(string? text, DateOnly today, [NotNullWhen(true)] out IdNumber? id, out string? error)
    {
        id = null;
        var s = Normalise(text);
        if (s.Length == 0) { error = "身份证号码不能为空。"; return false; }
        if (s.Length == 15)
        {
            if (!s.All(char.IsAsciiDigit)) { error = "15 位旧身份证号码只能由数字组成。"; return false; }
            var first17 = s[..6] + "19" + s[6..];
            s = first17 + ComputeCheckCharacter(first17);
        }
        if (s.Length != 18) { error = $"身份证号码应为 18 位，实际为 {s.Length} 位。"; return false; }
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(s[i])) { error = $"身份证号码第 {i + 1} 位“{s[i]}”不是数字（前 17 位必须是数字）。"; return false; }
        }
        if (!char.IsAsciiDigit(s[17]) && s[17] != 'X') { error = $"身份证号码第 18 位（校验码）“{s[17]}”只能是数字或 X。"; return false; }
        var province = int.Parse(s.AsSpan(0, 2), CultureInfo.InvariantCulture);
        if (province is < 11 or > 82 || s.AsSpan(2, 4).SequenceEqual("0000"))
        {
            error = $"身份证号码前 6 位地址码“{s[..6]}”不是有效的行政区划代码。";
            return false;
        }
        if (!DateOnly.TryParseExact(s.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth))
        {
            error = $"身份证号码第 7–14 位出生日期“{s.Substring(6, 8)}”不是有效日期。";
            return false;
        }
        if (birth < EarliestBirthDate)
        {
            error = $"身份证号码第 7–14 位出生日期 {birth:yyyy-MM-dd} 早于 {EarliestBirthDate.Year} 年，请核对年份。";
            return false;
        }
        if (birth > today)
        {
            error = $"身份证号码第 7–14 位出生日期 {birth:yyyy-MM-dd} 晚于今天（{today:yyyy-MM-dd}），请核对。";
            return false;
        }
        var expected = ComputeCheckCharacter(s.AsSpan(0, 17));
        if (expected != s[17])
        {
            error = $"身份证号码校验码错误：第 18 位应为“{expected}”，实际为“{s[17]}”，请核对号码是否抄错。";
            return false;
        }
        error = null;
        id = new IdNumber(s);
        return true;
    }

    /// <summary>Rebuilds from a value that was validated when it was stored.</summary>
    public static IdNumber FromTrusted(string value) => new(value);

    public override string ToString() => Masked;
}
