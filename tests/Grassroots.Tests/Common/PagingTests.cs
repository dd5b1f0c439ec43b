using Grassroots.Common;

namespace Grassroots.Tests.Common;

public sealed class PagingTests
{
    [Theory]
    [InlineData(null, null, 1, 20)]
    [InlineData(1, 20, 1, 20)]
    [InlineData(3, 50, 3, 50)]
    [InlineData(0, 0, 1, 20)]
    [InlineData(-4, -10, 1, 20)]
    [InlineData(2, 1, 2, 1)]
    [InlineData(2, 200, 2, 200)]
    [InlineData(2, 201, 2, 200)]
    [InlineData(7, int.MaxValue, 7, 200)]
    [InlineData(int.MaxValue, null, int.MaxValue, 20)]
    public void Normalise_ClampsPageToAtLeastOne_AndPageSizeToOneThroughTwoHundred(int? page, int? pageSize, int expectedPage, int expectedSize)
    {
        var (p, s) = Paging.Normalise(page, pageSize);

        Assert.Equal(expectedPage, p);
        Assert.Equal(expectedSize, s);
    }

    [Theory]
    [InlineData(0, 20, 0)]
    [InlineData(1, 20, 1)]
    [InlineData(20, 20, 1)]
    [InlineData(21, 20, 2)]
    [InlineData(616, 20, 31)]
    [InlineData(5, 0, 0)]
    public void PagedResult_PageCount_RoundsUp(int total, int pageSize, int expected)
    {
        var result = new PagedResult<string>([], total, 1, pageSize);

        Assert.Equal(expected, result.PageCount);
    }
}
