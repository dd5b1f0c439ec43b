namespace Grassroots.Demo;

/// <summary>
/// Synthetic personal names for the demo data set: Tibetan names built from common name elements
/// (扎西次仁, 次仁卓玛, 格桑, 达瓦) and Han names from common surnames and given names.
/// </summary>
internal static class DemoNames
{
    /// <summary>Elements that open a Tibetan name of either gender.</summary>
    static readonly string[] TibetanLeading =
    [
        "次仁", "格桑", "达瓦", "尼玛", "普布", "拉巴", "巴桑", "边巴", "米玛", "索朗", "白玛", "旦增", "仁增",
        "次旦", "益西", "德庆", "其美", "普琼", "平措", "阿旺", "洛桑", "土登",
    ];

    /// <summary>Elements that open a man's name only.</summary>
    static readonly string[] TibetanLeadingMale = ["扎西", "多吉", "强巴", "丹增", "贡布"];

    static readonly string[] TibetanMale =
    [
        "次仁", "多吉", "旺堆", "平措", "顿珠", "罗布", "贡布", "欧珠", "强巴", "丹增", "桑珠", "加措", "朗杰",
        "旺久", "扎西", "尼玛", "次旦", "群培", "索朗", "达瓦",
    ];

    static readonly string[] TibetanFemale =
    [
        "卓玛", "央金", "拉姆", "曲珍", "措姆", "央宗", "德吉", "玉珍", "卓嘎", "旺姆", "边珍", "仓决", "拉珍",
        "次珍", "白珍", "央拉", "德央", "琼达", "普赤", "斯琼",
    ];

    /// <summary>Two-character names used on their own.</summary>
    static readonly string[] TibetanShortMale = ["格桑", "达瓦", "尼玛", "扎西", "多吉", "平措", "洛桑", "罗布", "旺堆", "顿珠", "次仁", "边巴"];

    static readonly string[] TibetanShortFemale = ["卓玛", "央金", "拉姆", "德吉", "央宗", "曲珍", "格桑", "达瓦", "白玛", "卓嘎"];

    static readonly (string Item, double Weight)[] HanSurnames =
    [
        ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.2), ("赵", 2.2), ("吴", 2.0),
        ("周", 1.9), ("徐", 1.3), ("孙", 1.2), ("马", 1.2), ("朱", 1.1), ("胡", 1.1), ("郭", 1.0), ("何", 1.0), ("高", 1.0),
        ("林", 1.0), ("罗", 0.9), ("郑", 0.9), ("梁", 0.8), ("谢", 0.8), ("宋", 0.7), ("唐", 0.7), ("许", 0.7), ("韩", 0.7),
        ("冯", 0.7), ("邓", 0.7), ("曹", 0.6), ("彭", 0.6), ("曾", 0.6), ("肖", 0.6), ("田", 0.6), ("董", 0.5), ("袁", 0.5),
        ("潘", 0.5), ("蒋", 0.5), ("蔡", 0.5), ("余", 0.5), ("杜", 0.5), ("叶", 0.5), ("程", 0.5), ("魏", 0.4), ("苏", 0.4),
        ("吕", 0.4), ("丁", 0.4), ("任", 0.4), ("钟", 0.4), ("廖", 0.4), ("邱", 0.3), ("赖", 0.3), ("温", 0.3),
    ];

    static readonly string[] HanMale =
    [
        "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "浩", "鹏", "斌", "刚", "辉", "波", "宇", "建国", "志强", "海峰",
        "文斌", "晓东", "俊杰", "国庆", "建华", "永刚", "卫东", "立新", "学文", "明亮", "子豪", "宏伟", "振华", "家豪", "天宇",
        "志刚", "德胜", "一鸣", "长青", "春生", "毅",
    ];

    static readonly string[] HanFemale =
    [
        "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "琳", "倩", "晓燕", "丽华", "秀英", "海燕",
        "欣怡", "雨涵", "思雨", "佳琪", "红梅", "春燕", "美玲", "晓丽", "婉婷", "雅琴", "桂英", "文静", "小红", "梦瑶", "丹丹",
    ];

    public static string Tibetan(Random r, bool male)
    {
        if (r.Chance(0.3)) return r.Pick(male ? TibetanShortMale : TibetanShortFemale);
        var lead = male && r.Chance(0.3) ? r.Pick(TibetanLeadingMale) : r.Pick(TibetanLeading);
        string tail;
        do tail = r.Pick(male ? TibetanMale : TibetanFemale);
        while (tail == lead);
        return lead + tail;
    }

    public static string Han(Random r, bool male) => r.PickWeighted(HanSurnames) + r.Pick(male ? HanMale : HanFemale);
}
