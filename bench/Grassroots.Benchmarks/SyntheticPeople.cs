using Grassroots.Common;
using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Benchmarks;

/// <summary>Deterministic synthetic people at national-registry scale, with valid and unique ID numbers.</summary>
internal static class SyntheticPeople
{
    static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "丁", "白", "卢", "扎西", "次仁", "格桑", "达瓦", "旦增", "索朗"];
    static readonly string[] Given = ["建国", "晓燕", "卓玛", "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超", "秀英", "平", "旺堆", "央金", "拉姆", "顿珠", "平措", "曲珍", "次旦", "边巴"];

    /// <summary>Birth regions of the registry's people; imports use others so their ID numbers never collide.</summary>
    public static readonly string[] RegistryRegions = ["542521", "542522", "542523", "542524", "542525", "542526", "542527", "540102", "610102", "130102", "360723"];

    public static IEnumerable<Person> Make(int count, IReadOnlyList<Unit> units, int seed, string[]? regions = null)
    {
        var rng = new Random(seed);
        var used = new HashSet<string>(StringComparer.Ordinal);
        regions ??= RegistryRegions;
        for (var i = 0; i < count; i++)
        {
            var name = Surnames[rng.Next(Surnames.Length)] + Given[rng.Next(Given.Length)] + (rng.Next(4) == 0 ? Given[rng.Next(Given.Length)][..1] : "");
            var birth = new DateOnly(1966, 1, 1).AddDays(rng.Next(365 * 35));
            string id;
            do
            {
                var first17 = $"{regions[rng.Next(regions.Length)]}{birth:yyyyMMdd}{rng.Next(1, 1000):000}";
                id = first17 + IdNumber.ComputeCheckCharacter(first17);
            }
            while (!used.Add(id));
            var unit = units[rng.Next(units.Count)];
            var parsed = IdNumber.FromTrusted(id);
            yield return new Person
            {
                Kind = PersonKind.Cadre,
                Name = name,
                NameSortKey = ChineseText.StrokeSortKey(name),
                NameInitials = ChineseText.PinyinInitials(name),
                GenderCode = parsed.GenderCode,
                EthnicCode = rng.Next(3) == 0 ? "01" : "04",
                BirthDate = birth,
                IdNumber = parsed,
                PoliticalStatusCode = "01",
                PartyJoinDate = birth.AddYears(23),
                WorkStartDate = birth.AddYears(22),
                EducationCode = "21",
                StaffStatus = StaffStatus.Established,
                UnitId = unit.Id,
                Post = "科员",
                Rank = "一级科员",
                Line = (CadreLine)(1 + rng.Next(5)),
                Health = HealthStatus.Fit,
                Languages = "汉语、藏语",
                Phone = "139" + rng.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
                RegionCode = unit.RegionCode,
                RegionPath = unit.RegionPath,
                CreatedAtUtc = DateTime.UtcNow,
                UpdatedAtUtc = DateTime.UtcNow,
            };
        }
    }

    public static List<Unit> Units()
    {
        var list = new List<Unit>();
        foreach (var county in RegionCatalog.Embedded.All.Where(r => r.Level == RegionLevel.County && r.Path.Contains("/542500/", StringComparison.Ordinal)))
        {
            foreach (var sector in new[] { "党群", "经济", "政法", "农牧", "科技" })
                list.Add(new Unit { Name = $"{county.Name}{sector}单位", Level = UnitLevel.County, Sector = sector, RegionCode = county.Code, RegionPath = county.Path });
        }
        var pref = RegionCatalog.Embedded.Find("542500")!;
        list.Add(new Unit { Name = "阿里地区农业农村局", Level = UnitLevel.Prefecture, Sector = "农牧", RegionCode = pref.Code, RegionPath = pref.Path });
        return list;
    }
}
