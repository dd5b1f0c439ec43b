using Grassroots.People;

namespace Grassroots.Tests.People;

/// <summary>
/// GB 11643-1999 citizen ID numbers: 6-digit region, 8-digit birth date, 3-digit sequence (odd = male),
/// ISO 7064 MOD 11-2 check character over the weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 (sum mod 11 indexes
/// "10X98765432"). Worked examples are in the comments of each row.
/// </summary>
public sealed class IdNumberTests
{
    static readonly DateOnly Today = new(2026, 11, 27);

    static IdNumber Valid(string text)
    {
        Assert.True(IdNumber.TryParse(text, Today, out var id, out var error), error);
        Assert.Null(error);
        return id.Value;
    }

    static string Invalid(string? text)
    {
        Assert.False(IdNumber.TryParse(text, Today, out var id, out var error));
        Assert.Null(id);
        Assert.False(string.IsNullOrWhiteSpace(error));
        return error;
    }

    [Theory]
    // The standard's own examples.
    [InlineData("11010519491231002X")]
    [InlineData("440524188001010014")]
    // Pulan county (542521), born 1988-03-14, sequence 013 (male): weighted sum 286, 286 mod 11 = 0 → '1'.
    [InlineData("542521198803140131")]
    // Dayu county (360723), born 1994-10-01, sequence 062 (female): weighted sum 255, 255 mod 11 = 2 → 'X'.
    [InlineData("36072319941001062X")]
    // Born today is still a real birth date.
    [InlineData("110105202611270025")]
    // The earliest accepted birth date.
    [InlineData("110105180001010029")]
    public void TryParse_AcceptsCorrectNumbers(string text)
    {
        var id = Valid(text);

        Assert.Equal(text, id.Value);
    }

    [Fact]
    public void TryParse_WrongCheckCharacter_NamesTheExpectedAndTheActualCharacter()
    {
        // 110101199001011234 circulates in public test fixtures; its first 17 digits give a weighted sum of 126,
        // 126 mod 11 = 5, and "10X98765432"[5] = '7', so the 18th character should be 7, not 4.
        var error = Invalid("110101199001011234");

        Assert.Contains("校验码", error);
        Assert.Contains("第 18 位应为“7”", error);
        Assert.Contains("实际为“4”", error);
    }

    [Theory]
    [InlineData(null, "身份证号码不能为空。")]
    [InlineData("", "身份证号码不能为空。")]
    [InlineData("   ", "身份证号码不能为空。")]
    [InlineData("11010519491231002", "身份证号码应为 18 位，实际为 17 位。")]
    [InlineData("11010519491231002X1", "身份证号码应为 18 位，实际为 19 位。")]
    [InlineData("1101051949123", "身份证号码应为 18 位，实际为 13 位。")]
    [InlineData("A1010519491231002X", "第 1 位“A”不是数字（前 17 位必须是数字）")]
    [InlineData("1101051949123100AX", "第 17 位“A”不是数字（前 17 位必须是数字）")]
    [InlineData("11010519491231002Y", "第 18 位（校验码）“Y”只能是数字或 X")]
    [InlineData("11010549123100X", "15 位旧身份证号码只能由数字组成。")]
    // Province 00 and 99 do not exist (GB/T 2260 provinces are 11–82); xx0000 is a province, not a county.
    [InlineData("000105198001010029", "前 6 位地址码“000105”不是有效的行政区划代码")]
    [InlineData("990105198001010028", "前 6 位地址码“990105”不是有效的行政区划代码")]
    [InlineData("110000198001010027", "前 6 位地址码“110000”不是有效的行政区划代码")]
    // Dates that do not exist (check characters are correct, so only the date is wrong).
    [InlineData("110105199002300028", "出生日期“19900230”不是有效日期")]
    [InlineData("110105199013010026", "出生日期“19901301”不是有效日期")]
    [InlineData("110105490230002", "出生日期“19490230”不是有效日期")]
    // The day after "today" (2026-11-27).
    [InlineData("110105202611280020", "出生日期 2026-11-28 晚于今天（2026-11-27）")]
    // Before 1800: a mistyped century.
    [InlineData("110105179912310024", "出生日期 1799-12-31 早于 1800 年")]
    public void TryParse_RefusesWrongNumbers_SayingWhichPartIsWrong(string? text, string expected)
    {
        var error = Invalid(text);

        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("11010519491231002x")]
    [InlineData("１１０１０５１９４９１２３１００２Ｘ")]
    [InlineData("１１０１０５１９４９１２３１００２ｘ")]
    [InlineData(" 110105 19491231 002X ")]
    [InlineData("110105\u300019491231\u3000002X")]
    [InlineData("\t11010519491231002X\r\n")]
    public void TryParse_NormalisesCaseFullWidthAndSpaces(string text)
    {
        var id = Valid(text);

        Assert.Equal("11010519491231002X", id.Value);
    }

    [Theory]
    // 15-digit form = 18-digit form without "19" and without the check character.
    [InlineData("11010519491231002X")]
    [InlineData("542521198803140131")]
    [InlineData("36072319941001062X")]
    public void TryParse_ConvertsLegacy15DigitNumbers(string eighteen)
    {
        var fifteen = eighteen[..6] + eighteen[8..17];
        Assert.Equal(15, fifteen.Length);

        var id = Valid(fifteen);

        Assert.Equal(eighteen, id.Value);
    }

    [Theory]
    [InlineData("11010519491231002X", "1949-12-31", "2")] // sequence 002: even → female
    [InlineData("440524188001010014", "1880-01-01", "1")] // sequence 001: odd → male
    [InlineData("542521198803140131", "1988-03-14", "1")] // sequence 013: odd → male
    [InlineData("36072319941001062X", "1994-10-01", "2")] // sequence 062: even → female
    public void BirthDateAndGenderCode_ComeFromTheNumber(string text, string birth, string gender)
    {
        var id = Valid(text);

        Assert.Equal(DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture), id.BirthDate);
        Assert.Equal(gender, id.GenderCode);
        Assert.Equal(text[..6], id.RegionPart);
    }

    [Theory]
    [InlineData("542521198803140131", "542521********0131")]
    [InlineData("11010519491231002X", "110105********002X")]
    public void Masked_KeepsRegionAndLastFourOnly_AndToStringIsMasked(string text, string masked)
    {
        var id = Valid(text);

        Assert.Equal(masked, id.Masked);
        Assert.Equal(masked, id.ToString());
        Assert.Equal(masked, $"{id}");
        Assert.DoesNotContain(text[6..14], id.ToString());
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("12345", "*****")]
    [InlineData("542521880314014", "542521*****4014")]
    public void Mask_HandlesShortAndMissingValues(string? value, string expected) =>
        Assert.Equal(expected, IdNumber.Mask(value));

    [Theory]
    // first 17 digits, expected check character (sum of digit × weight, mod 11, index into "10X98765432")
    [InlineData("11010519491231002", 'X')] // sum 167, 167 mod 11 = 2 → X
    [InlineData("44052418800101001", '4')] // sum 195, 195 mod 11 = 8 → 4
    [InlineData("11010119900101123", '7')] // sum 126, 126 mod 11 = 5 → 7
    [InlineData("11010520261128002", '0')] // sum 155, 155 mod 11 = 1 → 0
    [InlineData("11010519491231003", '8')] // sum 169, 169 mod 11 = 4 → 8
    [InlineData("54252119880314013", '1')] // sum 286, 286 mod 11 = 0 → 1
    public void ComputeCheckCharacter_FollowsIso7064Mod11_2(string first17, char expected) =>
        Assert.Equal(expected, IdNumber.ComputeCheckCharacter(first17));
}
