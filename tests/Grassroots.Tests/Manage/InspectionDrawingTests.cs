using Grassroots.Manage;

namespace Grassroots.Tests.Manage;

/// <summary>The random draw of inspection targets and inspectors (S-MNG-5): reproducible from its seed, weighted by risk.</summary>
public sealed class InspectionDrawingTests
{
    static DrawCandidate Team(int n, double rate) =>
        new(new Guid(n, 0, 0, new byte[8]), $"542521{n:000000}", $"村{n}", rate, InspectionDrawing.Weight(rate, new OversightOptions()));

    static readonly string[] Pool = ["张明", "李华", "次仁", "王芳", "卓玛", "达瓦"];

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.5, 3.0)]
    [InlineData(0.0, 5.0)]
    [InlineData(1.7, 1.0)] // clamped
    [InlineData(-0.2, 5.0)]
    public void Weight_IsOnePlusFourTimesTheMissingRate(double rate, double weight)
    {
        Assert.Equal(weight, InspectionDrawing.Weight(rate, new OversightOptions()), 12);
    }

    [Fact]
    public void Draw_WithTheSameSeedAndInputs_IsTheSame_InAnyInputOrder()
    {
        var teams = Enumerable.Range(1, 12).Select(i => Team(i, i / 12.0)).ToList();
        var inputs = new DrawInputs(teams, Pool, 5, 2);
        var first = InspectionDrawing.Draw(inputs, 20261127);
        var again = InspectionDrawing.Draw(inputs with { Teams = [.. Enumerable.Reverse(teams)] }, 20261127);

        Assert.Equal(5, first.Teams.Count);
        Assert.Equal(5, first.Teams.Select(t => t.VillageCode).Distinct().Count());
        Assert.Equal(first.Teams.Select(t => t.VillageCode + string.Join(",", t.Inspectors)), again.Teams.Select(t => t.VillageCode + string.Join(",", t.Inspectors)));
        Assert.All(first.Teams, t => Assert.Equal(2, t.Inspectors.Distinct().Count()));
        Assert.All(first.Teams, t => Assert.All(t.Inspectors, i => Assert.Contains(i, Pool)));
        // Another seed gives another draw (for these inputs).
        Assert.NotEqual(first.Teams.Select(t => t.VillageCode), InspectionDrawing.Draw(inputs, 20261128).Teams.Select(t => t.VillageCode));
    }

    /// <summary>
    /// The draw's output is fixed by the algorithm, not by the runtime: these picks were computed once and must never
    /// change, or stored draws could no longer be reproduced.
    /// </summary>
    [Fact]
    public void Draw_OfAKnownInput_GivesTheRecordedPicks()
    {
        var teams = Enumerable.Range(1, 8).Select(i => Team(i, i % 3 == 0 ? 0.4 : 0.95)).ToList();
        var result = InspectionDrawing.Draw(new DrawInputs(teams, Pool, 3, 1), 42);
        Assert.Equal(Expected42, result.Teams.Select(t => t.VillageCode + ":" + t.Inspectors.Single()).ToArray());
    }

    static readonly string[] Expected42 = ["542521000006:次仁", "542521000002:张明", "542521000003:达瓦"];

    [Fact]
    public void Draw_OverManySeeds_PicksLowRateTeamsMoreOften_InProportionToTheirWeight()
    {
        // Ten teams: two rarely on post (rate 0.2, weight 4.2), eight always on post (weight 1). One team drawn per draw.
        var teams = Enumerable.Range(1, 10).Select(i => Team(i, i <= 2 ? 0.2 : 1.0)).ToList();
        var inputs = new DrawInputs(teams, [], 1, 0);
        var counts = new Dictionary<string, int>();
        const int draws = 20_000;
        for (var seed = 1; seed <= draws; seed++)
        {
            var code = InspectionDrawing.Draw(inputs, seed).Teams.Single().VillageCode;
            counts[code] = counts.GetValueOrDefault(code) + 1;
        }
        var low = teams.Take(2).Sum(t => counts.GetValueOrDefault(t.VillageCode)) / 2.0;
        var high = teams.Skip(2).Sum(t => counts.GetValueOrDefault(t.VillageCode)) / 8.0;
        // Expected shares: 4.2 / 16.4 = 25.6 % each for the risky teams, 1 / 16.4 = 6.1 % for the others: a ratio of 4.2.
        Assert.InRange(low / draws, 0.24, 0.27);
        Assert.InRange(high / draws, 0.055, 0.067);
        Assert.InRange(low / high, 3.8, 4.6);
        Assert.All(teams, t => Assert.True(counts.GetValueOrDefault(t.VillageCode) > 0, $"{t.VillageCode} was never drawn"));
    }

    [Fact]
    public void Draw_OfFiveAmongTwenty_StillFavoursRisk_ButReachesEveryTeam()
    {
        var teams = Enumerable.Range(1, 20).Select(i => Team(i, i <= 4 ? 0.3 : 0.98)).ToList();
        var inputs = new DrawInputs(teams, Pool, 5, 2);
        var hits = new Dictionary<string, int>();
        for (var seed = 1; seed <= 4_000; seed++)
        {
            foreach (var t in InspectionDrawing.Draw(inputs, seed).Teams) hits[t.VillageCode] = hits.GetValueOrDefault(t.VillageCode) + 1;
        }
        var risky = teams.Take(4).Average(t => hits.GetValueOrDefault(t.VillageCode));
        var safe = teams.Skip(4).Average(t => hits.GetValueOrDefault(t.VillageCode));
        Assert.True(risky > 2 * safe, $"risky teams drawn {risky:F0} times on average, others {safe:F0}");
        Assert.Equal(20, hits.Count);
        Assert.Equal(4_000 * 5, hits.Values.Sum());
    }

    [Fact]
    public void Draw_NeverTakesATeamTwice_NorMoreTeamsThanThereAre_AndZeroWeightsOnlyWhenNothingElseIsLeft()
    {
        var teams = new[] { Team(1, 1.0) with { Weight = 0 }, Team(2, 0.5), Team(3, 0.5) };
        for (var seed = 0; seed < 200; seed++)
        {
            var two = InspectionDrawing.Draw(new DrawInputs(teams, Pool, 2, 2), seed).Teams.Select(t => t.VillageCode).ToList();
            Assert.DoesNotContain(teams[0].VillageCode, two);
            var all = InspectionDrawing.Draw(new DrawInputs(teams, Pool, 10, 9), seed).Teams;
            Assert.Equal(3, all.Count);
            Assert.Equal(teams[0].VillageCode, all[^1].VillageCode);
            Assert.All(all, t => Assert.Equal(Pool.Length, t.Inspectors.Distinct().Count()));
        }
    }
}
