namespace Grassroots.Demo;

/// <summary>
/// Draws for the demo data set. Always a <see cref="Random"/> built from a fixed seed, so every start produces
/// the same data; each part of the data set has its own stream, so changing one part leaves the others alone.
/// </summary>
internal static class DemoRandom
{
    /// <summary>The seed of the demo data set.</summary>
    public const int Seed = 2026;

    public static Random Stream(int part) => new(Seed * 100 + part);

    public static T Pick<T>(this Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    public static T PickWeighted<T>(this Random r, IReadOnlyList<(T Item, double Weight)> items)
    {
        var total = 0.0;
        foreach (var (_, w) in items) total += w;
        var x = r.NextDouble() * total;
        foreach (var (item, w) in items)
        {
            if (x < w) return item;
            x -= w;
        }
        return items[^1].Item;
    }

    public static bool Chance(this Random r, double probability) => r.NextDouble() < probability;

    public static double Between(this Random r, double from, double to) => from + r.NextDouble() * (to - from);

    /// <summary>A day in [from, to], both inclusive.</summary>
    public static DateOnly Date(this Random r, DateOnly from, DateOnly to) =>
        to < from ? from : DateOnly.FromDayNumber(from.DayNumber + r.Next(to.DayNumber - from.DayNumber + 1));

    /// <summary>Splits <paramref name="total"/> in proportion to the weights (largest remainder), so the parts add up exactly.</summary>
    public static int[] Apportion(int total, IReadOnlyList<double> weights)
    {
        var sum = weights.Sum();
        var exact = weights.Select(w => total * w / sum).ToArray();
        var parts = exact.Select(x => (int)Math.Floor(x)).ToArray();
        var order = Enumerable.Range(0, parts.Length).OrderByDescending(i => exact[i] - parts[i]).ThenBy(i => i).ToArray();
        var remaining = total - parts.Sum();
        for (var k = 0; k < remaining; k++) parts[order[k % order.Length]]++;
        return parts;
    }
}
