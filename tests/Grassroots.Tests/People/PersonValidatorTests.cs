using Grassroots.Codes;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Tests.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Grassroots.Tests.People;

/// <summary>
/// The rules of S-REG-5 as <see cref="PersonValidator.Validate"/> applies them, for a Pulan county clerk on
/// 2026-11-27. Each broken rule is checked against an otherwise valid input, so the error it names is the only one.
/// </summary>
public sealed class PersonValidatorTests
{
    static readonly CodeBook Codes = CodeBook.FromEntries(CodeTables.LoadBuiltIn());
    static readonly Region Pulan = RegionCatalog.Embedded.Find("542521")!;
    static readonly Region Zanda = RegionCatalog.Embedded.Find("542522")!;
    static readonly Region PulanCommunity = RegionCatalog.Embedded.All.First(r => r.Level == RegionLevel.Community && r.Path.StartsWith(Pulan.Path, StringComparison.Ordinal));

    static readonly Unit PulanUnit = new() { Name = "普兰县农业农村局", Level = UnitLevel.County, RegionCode = Pulan.Code, RegionPath = Pulan.Path };
    static readonly Unit ZandaUnit = new() { Name = "札达县农业农村局", Level = UnitLevel.County, RegionCode = Zanda.Code, RegionPath = Zanda.Path };
    static readonly Community Community = new() { Code = PulanCommunity.Code, Name = PulanCommunity.Name, TownshipCode = PulanCommunity.ParentCode!.Value, RegionPath = PulanCommunity.Path, Households = 300 };

    static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));

    /// <summary>Lookups with the Pulan unit only, as a Pulan clerk's scoped query would load them.</summary>
    static PersonValidator.Lookups InScope() => new()
    {
        Codes = Codes,
        Units = new() { [PulanUnit.Id] = PulanUnit },
        Communities = new() { [Community.Id] = Community },
    };

    static PersonValidator Validator()
    {
        var user = TestUsers.PulanCounty();
        // Validate() reads no data; the context is never opened.
        var db = new SqliteGrassrootsDb(new DbContextOptionsBuilder<SqliteGrassrootsDb>().UseSqlite("Data Source=:memory:").Options, user);
        return new PersonValidator(db, user, Clock);
    }

    /// <summary>扎西次仁, male, born 1988-03-14 in Pulan (ID 542521198803140131), Tibetan, party member.</summary>
    static PersonInput ValidInput() => new()
    {
        Name = "扎西次仁",
        IdNumber = "542521198803140131",
        BirthDate = new DateOnly(1988, 3, 14),
        GenderCode = "1",
        EthnicCode = "04",
        PoliticalStatusCode = "01",
        PartyJoinDate = new DateOnly(2010, 7, 1),
        WorkStartDate = new DateOnly(2010, 8, 1),
        EducationCode = "21",
        StaffStatus = "在编",
        Line = "农牧",
        Health = "能正常履职",
        HomeCountyCode = "542521",
        Post = "科员",
        Rank = "一级科员",
        Languages = "汉语、藏语",
        Phone = "13908971234",
        UnitId = PulanUnit.Id,
    };

    static IReadOnlyDictionary<string, string[]> Errors(PersonInput input, Person? existing = null) =>
        Validator().Validate(input, existing, InScope()).Errors.ToDictionary();

    [Fact]
    public void ValidInput_Passes_AndToNewPersonSetsSortKeyInitialsAndTheUnitsRegion()
    {
        var valid = Validator().Validate(ValidInput(), null, InScope());

        Assert.False(valid.Errors.Any, string.Join("；", valid.Errors.ToDictionary().SelectMany(e => e.Value)));
        var person = valid.ToNewPerson();
        Assert.Equal("扎西次仁", person.Name);
        Assert.Equal(PersonKind.Cadre, person.Kind);
        Assert.Equal("542521198803140131", person.IdNumber.Value);
        Assert.Equal(new DateOnly(1988, 3, 14), person.BirthDate);
        Assert.Equal(ChineseText.StrokeSortKey("扎西次仁"), person.NameSortKey);
        Assert.NotEmpty(person.NameSortKey);
        Assert.Equal("zxcr", person.NameInitials);
        Assert.Equal(Pulan.Code, person.RegionCode);
        Assert.Equal(Pulan.Path, person.RegionPath);
        Assert.Equal(PulanUnit.Id, person.UnitId);
        Assert.Null(person.CommunityId);
        Assert.Equal(StaffStatus.Established, person.StaffStatus);
        Assert.Equal(CadreLine.Agriculture, person.Line);
        Assert.Equal(HealthStatus.Fit, person.Health);
        Assert.Equal("13908971234", person.Phone);
    }

    [Fact]
    public void CodesMayBeGivenByName_AsClerksTypeThemInSpreadsheets()
    {
        var valid = Validator().Validate(ValidInput() with { GenderCode = "男", EthnicCode = "藏族", PoliticalStatusCode = "中共党员", EducationCode = "大学本科毕业" }, null, InScope());

        Assert.False(valid.Errors.Any);
        Assert.Equal("1", valid.GenderCode);
        Assert.Equal("04", valid.EthnicCode);
        Assert.Equal("01", valid.PoliticalStatusCode);
        Assert.Equal("21", valid.EducationCode);
    }

    [Fact]
    public void ValidCommunityWorker_BelongsToTheCommunitysRegion()
    {
        var input = ValidInput() with { Kind = "社区工作者", UnitId = null, CommunityId = Community.Id };

        var valid = Validator().Validate(input, null, InScope());

        Assert.False(valid.Errors.Any);
        var person = valid.ToNewPerson();
        Assert.Equal(PersonKind.CommunityWorker, person.Kind);
        Assert.Equal(Community.Code, person.RegionCode);
        Assert.Equal(Community.RegionPath, person.RegionPath);
    }

    /// <summary>Case name → (change to the valid input, field expected to carry the error, part of the message).</summary>
    static readonly Dictionary<string, (Func<PersonInput, PersonInput> Change, string Field, string Message)> Broken = new()
    {
        ["birth date disagrees with the ID number"] = (i => i with { BirthDate = new DateOnly(1988, 3, 15) }, "birthDate", "出生日期 1988-03-15 与身份证号码中的出生日期 1988-03-14 不一致"),
        ["birth date missing"] = (i => i with { BirthDate = null }, "birthDate", "出生日期不能为空"),
        ["gender disagrees with the ID number"] = (i => i with { GenderCode = "2" }, "genderCode", "性别“女”与身份证号码第 17 位（奇数为男）不一致"),
        ["unknown gender code"] = (i => i with { GenderCode = "3" }, "genderCode", "性别代码“3”不在 GB/T 2261.1 中"),
        ["ID number with a wrong check character"] = (i => i with { IdNumber = "542521198803140132" }, "idNumber", "第 18 位应为“1”"),
        ["name missing"] = (i => i with { Name = "  " }, "name", "姓名不能为空"),
        ["name too long"] = (i => i with { Name = new string('张', 51) }, "name", "姓名不能超过 50 个字"),
        ["name with a control character"] = (i => i with { Name = "扎西\u0007次仁" }, "name", "控制字符"),
        ["unknown ethnic code"] = (i => i with { EthnicCode = "99" }, "ethnicCode", "民族“99”不在代码表 GB 3304 中"),
        ["ethnic code missing"] = (i => i with { EthnicCode = null }, "ethnicCode", "民族不能为空"),
        ["education heading (code 20)"] = (i => i with { EducationCode = "20" }, "educationCode", "学历“大学本科教育”是分类标题，请选择具体项目"),
        ["party join date for a non-member"] = (i => i with { PoliticalStatusCode = "13" }, "partyJoinDate", "政治面貌不是中共党员（含预备党员），不应填写入党时间"),
        ["party join date before 18"] = (i => i with { PartyJoinDate = new DateOnly(2006, 3, 13) }, "partyJoinDate", "入党时间应在年满 18 周岁之后"),
        ["party join date in the future"] = (i => i with { PartyJoinDate = new DateOnly(2026, 11, 28) }, "partyJoinDate", "入党时间不能晚于今天"),
        ["work start in the future"] = (i => i with { WorkStartDate = new DateOnly(2026, 11, 28) }, "workStartDate", "参加工作时间不能晚于今天"),
        ["work start before 16"] = (i => i with { WorkStartDate = new DateOnly(2004, 3, 13) }, "workStartDate", "参加工作时间应在年满 16 周岁之后"),
        ["phone of ten digits"] = (i => i with { Phone = "1390897123" }, "phone", "联系电话应为 11 位手机号码或带区号的固定电话"),
        ["phone not starting 13–19"] = (i => i with { Phone = "12908971234" }, "phone", "联系电话应为 11 位手机号码或带区号的固定电话"),
        ["phone with letters"] = (i => i with { Phone = "139-0897-abcd" }, "phone", "联系电话应为 11 位手机号码或带区号的固定电话"),
        ["unknown staff status"] = (i => i with { StaffStatus = "临时" }, "staffStatus", "编制情况“临时”无效"),
        ["unknown line"] = (i => i with { Line = "金融" }, "line", "条线“金融”无效"),
        ["unknown kind"] = (i => i with { Kind = "村医" }, "kind", "人员类别“村医”无效"),
        ["home county given as a township"] = (i => i with { HomeCountyCode = "542521100" }, "homeCountyCode", "籍贯县应填写 6 位县级区划代码"),
        ["unit not among the units in scope"] = (i => i with { UnitId = ZandaUnit.Id }, "unitId", "所选单位不存在或不在您的管辖范围内"),
        ["cadre without a unit"] = (i => i with { UnitId = null }, "unitId", "驻村干部须选择工作单位"),
        ["community worker without a community"] = (i => i with { Kind = "社区工作者", UnitId = null }, "communityId", "社区工作者须选择所在社区"),
        ["community not among the communities in scope"] = (i => i with { Kind = "社区工作者", UnitId = null, CommunityId = Guid.CreateVersion7() }, "communityId", "所选社区不存在或不在您的管辖范围内"),
    };

    public static TheoryData<string> BrokenRules => new(Broken.Keys);

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void BrokenRule_IsReportedOnItsField(string rule)
    {
        var (change, field, message) = Broken[rule];

        var errors = Errors(change(ValidInput()));

        Assert.Equal([field], errors.Keys);
        Assert.Contains(errors[field], m => m.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void PartyJoinDate_OnThe18thBirthday_IsAccepted()
    {
        Assert.Empty(Errors(ValidInput() with { PartyJoinDate = new DateOnly(2006, 3, 14) }));
    }

    [Theory]
    [InlineData("13908971234")]
    [InlineData("139 0897 1234")]
    [InlineData("0897-2601234")]
    [InlineData("08972601234")]
    public void Phone_AcceptsMobileAndFixedLineNumbers(string phone)
    {
        Assert.Empty(Errors(ValidInput() with { Phone = phone }));
    }

    [Fact]
    public void UnitOutsideTheUsersScope_IsRefused_EvenWhenTheLookupsHoldIt()
    {
        // A bulk import may load units unfiltered; the validator still compares the unit's region with the user's scope.
        var lookups = InScope();
        lookups.Units[ZandaUnit.Id] = ZandaUnit;

        var valid = Validator().Validate(ValidInput() with { UnitId = ZandaUnit.Id }, null, lookups);

        var errors = valid.Errors.ToDictionary();
        Assert.Equal(["unitId"], errors.Keys);
        Assert.Equal(["所选单位不在您的管辖范围内。"], errors["unitId"]);
    }

    [Fact]
    public void ErrorsOnSeveralFields_AreAllReportedAtOnce()
    {
        var errors = Errors(ValidInput() with { Name = "", EthnicCode = "99", Phone = "123" });

        Assert.Equal(["ethnicCode", "name", "phone"], errors.Keys.Order(StringComparer.Ordinal));
    }

    static Person Stored()
    {
        var person = Validator().Validate(ValidInput(), null, InScope()).ToNewPerson();
        return person;
    }

    [Theory]
    [InlineData("542521********0131")]
    [InlineData(" 542521********0131 ")]
    [InlineData(null)]
    [InlineData("")]
    public void Update_WithTheMaskedOrNoIdNumber_KeepsTheStoredOne(string? sent)
    {
        var existing = Stored();

        var valid = Validator().Validate(ValidInput() with { IdNumber = sent, Phone = "139****1234" }, existing, InScope());

        Assert.False(valid.Errors.Any, string.Join("；", valid.Errors.ToDictionary().SelectMany(e => e.Value)));
        Assert.Equal(existing.IdNumber, valid.IdNumber);
        Assert.Equal("13908971234", valid.Phone);
    }

    [Fact]
    public void Update_WithANewValidIdNumber_ReplacesIt_AndChecksItAgainstTheBirthDate()
    {
        var existing = Stored();

        var valid = Validator().Validate(ValidInput() with { IdNumber = "11010519491231002X" }, existing, InScope());

        Assert.Equal("11010519491231002X", valid.IdNumber!.Value.Value);
        Assert.Contains("birthDate", valid.Errors.ToDictionary().Keys);
    }

    [Fact]
    public void Update_WithSomeoneElsesMaskedForm_IsValidatedAsANewNumber()
    {
        var existing = Stored();

        var errors = Errors(ValidInput() with { IdNumber = "110105********002X" }, existing);

        Assert.Equal(["idNumber"], errors.Keys);
    }

    [Fact]
    public void Update_ApplyTo_KeepsIdentity_AndRenewsSortKeyForANewName()
    {
        var existing = Stored();
        var id = existing.Id;

        var valid = Validator().Validate(ValidInput() with { Name = "王建国", IdNumber = existing.IdNumber.Masked }, existing, InScope());
        valid.ApplyTo(existing);

        Assert.Equal(id, existing.Id);
        Assert.Equal("王建国", existing.Name);
        Assert.Equal(ChineseText.StrokeSortKey("王建国"), existing.NameSortKey);
        Assert.Equal("wjg", existing.NameInitials);
    }
}
