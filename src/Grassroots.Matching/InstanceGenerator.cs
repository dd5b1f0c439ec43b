namespace Grassroots.Matching;

/// <summary>Seeded synthetic dispatch instances for benchmarks and tests.</summary>
public static class InstanceGenerator
{
    /// <summary>
    /// A prefecture-scale instance shaped like Ali: one dispatch region, 7 counties, 150 villages of 3–5 members (about
    /// two thirds need a speaker), 40 dispatching units (one in five at the prefecture seat), 600 cadres (about 40% eligible
    /// as first secretary, 30% speakers); mismatch 50, 1 per km. The same seed gives the same instance.
    /// </summary>
    public static DispatchInstance Prefecture(int seed) => Create(seed, cadres: 600, villages: 150, units: 40, counties: 7);

    /// <summary>A synthetic instance of the given size in one dispatch region (see <see cref="Prefecture"/>).</summary>
    public static DispatchInstance Create(int seed, int cadres, int villages, int units, int counties)
    {
        var random = new Random(seed);
        var lines = Enum.GetValues<WorkLine>();
        // County seats spread over the prefecture (latitude 30–35.5, longitude 78.5–86).
        var seats = Enumerable.Range(0, counties).Select(_ => (Lat: 30 + random.NextDouble() * 5.5, Lon: 78.5 + random.NextDouble() * 7.5)).ToArray();
        (double, double) Near((double Lat, double Lon) seat, double spread) =>
            (Math.Clamp(seat.Lat + (random.NextDouble() - 0.5) * spread, -90, 90), Math.Clamp(seat.Lon + (random.NextDouble() - 0.5) * spread, -180, 180));

        var villageList = new List<DispatchVillage>(villages);
        for (var i = 0; i < villages; i++)
        {
            var county = random.Next(counties);
            var (lat, lon) = Near(seats[county], 1.5);
            villageList.Add(new DispatchVillage($"V{i + 1:D4}", "P", $"C{county + 1}", lines[random.Next(lines.Length)], lat, lon,
                3 + random.Next(3), random.Next(3) != 0));
        }
        var unitList = new List<DispatchUnit>(units);
        for (var i = 0; i < units; i++)
        {
            // One unit in five is a prefecture-level unit at the first seat; it still belongs to that county for avoidance.
            var county = random.Next(5) == 0 ? 0 : random.Next(counties);
            var (lat, lon) = Near(seats[county], 0.2);
            unitList.Add(new DispatchUnit($"U{i + 1:D3}", "P", $"C{county + 1}", lat, lon));
        }
        var cadreList = new List<DispatchCadre>(cadres);
        for (var i = 0; i < cadres; i++)
        {
            cadreList.Add(new DispatchCadre($"K{i + 1:D5}", unitList[random.Next(units)].Id, lines[random.Next(lines.Length)],
                random.NextDouble() < 0.4, random.NextDouble() < 0.3));
        }
        return new DispatchInstance(50, 1, villageList, unitList, cadreList);
    }
}
