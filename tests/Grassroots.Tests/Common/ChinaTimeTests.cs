using Grassroots.Common;
using Microsoft.Extensions.Time.Testing;

namespace Grassroots.Tests.Common;

public sealed class ChinaTimeTests
{
    [Theory]
    [InlineData("2026-11-26T15:59:59Z", "2026-11-26")] // 23:59:59 in Beijing
    [InlineData("2026-11-26T16:00:00Z", "2026-11-27")] // midnight in Beijing: already the next business day
    [InlineData("2026-11-27T02:00:00Z", "2026-11-27")]
    public void Today_IsTheDateInChinaStandardTime(string utc, string expected)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ChinaTime.Today(clock));
    }

    [Fact]
    public void ToChina_ShowsAUtcInstantAtPlusEight()
    {
        var china = ChinaTime.ToChina(new DateTime(2026, 11, 26, 16, 30, 0, DateTimeKind.Unspecified));

        Assert.Equal(TimeSpan.FromHours(8), china.Offset);
        Assert.Equal(new DateTime(2026, 11, 27, 0, 30, 0), china.DateTime);
    }
}
