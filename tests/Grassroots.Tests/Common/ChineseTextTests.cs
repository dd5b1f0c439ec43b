using System.Text;
using Grassroots.Common;

namespace Grassroots.Tests.Common;

/// <summary>Roster order by surname strokes (按姓氏笔画排序, mainland counts) and pinyin initials for search.</summary>
public sealed class ChineseTextTests
{
    static List<string> RosterOrder(params string[] names) =>
        names.OrderBy(ChineseText.StrokeSortKey, StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData('丁', 2)]
    [InlineData('马', 3)]
    [InlineData('王', 4)]
    [InlineData('邓', 4)] // 又 2 + 阝 2
    [InlineData('白', 5)]
    [InlineData('卢', 5)]
    [InlineData('刘', 6)]
    [InlineData('达', 6)] // 大 3 + 辶 3
    [InlineData('祁', 6)] // 礻 4 + 阝 2
    [InlineData('李', 7)]
    [InlineData('张', 7)]
    [InlineData('陈', 7)] // 阝 2 + 东 5
    [InlineData('周', 8)]
    [InlineData('郑', 8)]
    [InlineData('范', 8)] // 艹 3 + 氾 5
    [InlineData('黄', 11)]
    [InlineData('曾', 12)]
    [InlineData('魏', 17)]
    [InlineData('龘', 48)]
    public void StrokeCount_CountsAsInMainlandChina(char ch, int strokes) =>
        Assert.Equal(strokes, ChineseText.StrokeCount(new Rune(ch)));

    [Theory]
    [InlineData("A")]
    [InlineData("7")]
    [InlineData("·")]
    [InlineData("ア")]
    public void StrokeCount_IsZeroForAnythingButHanCharacters(string text) =>
        Assert.Equal(0, ChineseText.StrokeCount(Rune.GetRuneAt(text, 0)));

    [Fact]
    public void StrokeCount_OfAHanCharacterOutsideTheTable_IsUnknown() =>
        Assert.Equal(ChineseText.UnknownStrokes, ChineseText.StrokeCount(Rune.GetRuneAt("𠀀", 0)));

    [Fact]
    public void Surnames_SortByStrokeCount()
    {
        // Shuffled on purpose. Strokes: 丁2 马3 王4 卢5 白5 刘6 张7 李7 陈7 周8 郑8 赵9 黄11 曾12 蔡14 潘15 戴17.
        var sorted = RosterOrder("潘", "李", "丁", "曾", "黄", "王", "陈", "戴", "马", "赵", "白", "周", "刘", "张", "卢", "蔡", "郑");

        Assert.Equal(["丁", "马", "王", "卢", "白", "刘", "张", "李", "陈", "周", "郑", "赵", "黄", "曾", "蔡", "潘", "戴"], sorted);
    }

    [Fact]
    public void Surnames_WithRadicalsCountedDifferentlyInTaiwan_StayInTheirMainlandGroup()
    {
        // 陈 (7) sorts with 李 and 张, before 林 (8); 黄 (11) before 曾 (12); 达 (6) before 何 (7); 郑 (8) before 赵 (9).
        Assert.Equal(["李", "陈", "林"], RosterOrder("林", "陈", "李"));
        Assert.Equal(["黄", "曾"], RosterOrder("曾", "黄"));
        Assert.Equal(["达瓦", "何平"], RosterOrder("何平", "达瓦"));
        Assert.Equal(["郑", "赵"], RosterOrder("赵", "郑"));
    }

    [Fact]
    public void StrokeCounts_NeverDecreaseAlongARoster()
    {
        var names = new[] { "扎西次仁", "卓玛", "王建国", "次仁旺堆", "刘晓燕", "欧阳娜", "达瓦", "边巴", "阿旺", "陈静", "黄强", "马丽", "丁一" };

        var counts = RosterOrder(names).Select(n => ChineseText.StrokeCount(new Rune(n[0]))).ToList();

        Assert.Equal(counts.Order(), counts);
    }

    [Fact]
    public void SameSurname_SortsByTheGivenNamesStrokes_AndTheBareSurnameFirst()
    {
        Assert.Equal(["王", "王一", "王二", "王五", "王建国"], RosterOrder("王建国", "王五", "王", "王二", "王一"));
    }

    [Fact]
    public void PeopleOfOneSurname_StayTogether()
    {
        // 张 and 李 both have 7 strokes; a given name never interleaves them.
        Assert.Equal(["张三", "张无忌", "李一", "李明"], RosterOrder("李明", "张无忌", "李一", "张三"));
    }

    [Fact]
    public void SortKey_IsStrokeCountAndCodePoint_PerCharacter_IndependentOfTheMachinesCollation()
    {
        // 王 U+738B, 4 strokes; 五 U+4E94, 4 strokes.
        Assert.Equal("04" + "0738B" + "04" + "04E94", ChineseText.StrokeSortKey("王五"));
    }

    [Theory]
    [InlineData("王 五", "王五")]
    [InlineData(" 王五 ", "王五")]
    [InlineData("阿依古丽·买买提", "阿依古丽买买提")]
    [InlineData("Ｌｉ明", "li明")]
    [InlineData("LI明", "li明")]
    public void SortKey_IgnoresSpacesPunctuationWidthAndCase(string name, string same) =>
        Assert.Equal(ChineseText.StrokeSortKey(same), ChineseText.StrokeSortKey(name));

    [Fact]
    public void LatinNamesComeFirst_AndHanCharactersOutsideTheTableLast()
    {
        Assert.Equal(["Li明", "丁一", "龘", "𠀀明"], RosterOrder("𠀀明", "龘", "丁一", "Li明"));
    }

    [Fact]
    public void SortKey_FitsTheStoredColumn()
    {
        var key = ChineseText.StrokeSortKey(new string('张', 50));

        Assert.Equal(ChineseText.MaxSortKeyLength, key.Length);
        Assert.Equal("", ChineseText.StrokeSortKey(""));
    }

    [Theory]
    [InlineData("张三", "zs")]
    [InlineData("扎西次仁", "zxcr")]
    [InlineData("次仁旺堆", "crwd")]
    [InlineData("卓玛", "zm")]
    [InlineData("刘晓燕", "lxy")]
    [InlineData("欧阳", "oy")]
    [InlineData("欧阳修", "oyx")]
    [InlineData("王 小明", "wxm")]
    [InlineData("阿依古丽·买买提", "ayglmmt")]
    // Latin letters and digits are kept, lower-cased; full-width ones too.
    [InlineData("Li明", "lim")]
    [InlineData("ＬＩ明", "lim")]
    [InlineData("1号楼", "1hl")]
    // Surnames read differently from the character's common reading.
    [InlineData("曾国藩", "zgf")]
    [InlineData("单雄信", "sxx")]
    [InlineData("仇英", "qy")]
    [InlineData("解缙", "xj")]
    [InlineData("尉迟恭", "ycg")]
    // …only as the surname: 曾 inside a given name keeps its common reading céng.
    [InlineData("王曾", "wc")]
    // No reading: skipped rather than guessed.
    [InlineData("𠀀明", "m")]
    [InlineData("", "")]
    public void PinyinInitials_AreTheFirstLetterOfEachSyllable(string name, string initials) =>
        Assert.Equal(initials, ChineseText.PinyinInitials(name));
}
