using Grassroots.Common;

namespace Grassroots.Tests.Common;

public sealed class ValidationErrorsTests
{
    [Fact]
    public void NewCollector_HasNoErrors_AndThrowIfAnyDoesNothing()
    {
        var errors = new ValidationErrors();

        Assert.False(errors.Any);
        Assert.Empty(errors.ToDictionary());
        errors.ThrowIfAny();
    }

    [Fact]
    public void Add_KeepsEveryMessagePerField_InOrder()
    {
        var errors = new ValidationErrors();

        errors.Add("idNumber", "身份证号码不能为空。");
        errors.Add("name", "姓名不能为空。");
        errors.Add("idNumber", "该身份证号码已登记，不能重复录入。");

        Assert.True(errors.Any);
        var map = errors.ToDictionary();
        Assert.Equal(["idNumber", "name"], map.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["身份证号码不能为空。", "该身份证号码已登记，不能重复录入。"], map["idNumber"]);
        Assert.Equal(["姓名不能为空。"], map["name"]);
    }

    [Fact]
    public void FieldNames_AreCaseSensitive()
    {
        var errors = new ValidationErrors();

        errors.Add("phone", "a");
        errors.Add("Phone", "b");

        Assert.Equal(2, errors.ToDictionary().Count);
    }

    [Fact]
    public void ThrowIfAny_ThrowsOneValidationException_WithEveryFieldAndAllMessagesInItsText()
    {
        var errors = new ValidationErrors();
        errors.Add("name", "姓名不能为空。");
        errors.Add("phone", "联系电话应为 11 位手机号码或带区号的固定电话。");

        var ex = Assert.Throws<ValidationException>(errors.ThrowIfAny);

        Assert.Equal(["name", "phone"], ex.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("姓名不能为空。", ex.Message);
        Assert.Contains("联系电话应为 11 位手机号码或带区号的固定电话。", ex.Message);
        Assert.Contains("；", ex.Message);
    }

    [Fact]
    public void ToDictionary_IsASnapshot_NotALiveView()
    {
        var errors = new ValidationErrors();
        errors.Add("name", "姓名不能为空。");

        var before = errors.ToDictionary();
        errors.Add("name", "姓名不能超过 50 个字。");

        Assert.Single(before["name"]);
        Assert.Equal(2, errors.ToDictionary()["name"].Length);
    }

    [Fact]
    public void SingleFieldValidationException_CarriesFieldAndMessage()
    {
        var ex = new ValidationException("unitId", "所选单位不在您的管辖范围内。");

        Assert.Equal(["所选单位不在您的管辖范围内。"], ex.Errors["unitId"]);
        Assert.Equal("所选单位不在您的管辖范围内。", ex.Message);
    }
}
