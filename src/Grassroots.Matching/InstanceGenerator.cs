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
        WorkLine[] lines = [WorkLine.Party, WorkLine.Economic, WorkLine.Legal, WorkLine.Agri, WorkLine.Tech];
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

    /// <summary>
    /// A province-scale instance: one dispatch region of 13 prefectures (6–11 counties each), 15,000 villages clustered
    /// around their county seats, 50,000 cadres from the province's units at the capital, 25 units at each prefecture
    /// seat and 5 in each county seat. Villages have 2–4 members; about a quarter of the prefectures are minority areas
    /// where most villages need a speaker and most local cadres speak the language. About 30% of cadres are eligible
    /// as first secretary; 5% are of another line. Mismatch 50, 1 per km. The same seed gives the same instance.
    /// </summary>
    public static DispatchInstance Province(int seed) => Province(seed, cadres: 50_000, villages: 15_000, prefectures: 13);

    /// <summary>A province-shaped instance of the given size (see <see cref="Province(int)"/>), for tests at smaller scale.</summary>
    public static DispatchInstance Province(int seed, int cadres, int villages, int prefectures)
    {
        var random = new Random(seed);
        var builder = new Builder();
        var span = 9.0 * Math.Sqrt(villages / 15_000.0);
        builder.AddRegion(random, "P", "", 30.0, 104.0, span, prefectures, villages, cadres);
        return builder.Build();
    }

    /// <summary>
    /// A nation-scale instance: 31 dispatch regions (provinces) of varying size, together about 200,000 villages and
    /// 560,000 cadres, each shaped like <see cref="Province(int)"/> (2–20 prefectures by size). The same seed gives the same
    /// instance.
    /// </summary>
    public static DispatchInstance Nation(int seed)
    {
        var random = new Random(seed);
        const int regions = 31, totalVillages = 200_000, totalCadres = 560_000;
        var weight = Enumerable.Range(0, regions).Select(_ => 0.25 + 2 * Math.Pow(random.NextDouble(), 2)).ToArray();
        var cadreWeight = weight.Select(w => w * (0.85 + 0.3 * random.NextDouble())).ToArray();
        var villageCounts = Shares(weight, totalVillages);
        var cadreCounts = Shares(cadreWeight, totalCadres);
        var builder = new Builder();
        var largest = weight.Max();
        for (var r = 0; r < regions; r++)
        {
            // Region centres on a grid over the country (regions never share villages, so overlaps do not matter).
            var lat = 22 + (r / 6) * 5.0 + random.NextDouble() * 2;
            var lon = 80 + (r % 6) * 9.0 + random.NextDouble() * 3;
            var span = 3 + 6 * Math.Sqrt(weight[r] / largest);
            var prefectures = Math.Clamp((int)Math.Round(villageCounts[r] / 1150.0), 2, 20);
            builder.AddRegion(random, $"R{r + 1:D2}", $"R{r + 1:D2}", lat, lon, span, prefectures, villageCounts[r], cadreCounts[r]);
        }
        return builder.Build();
    }

    static int[] Shares(double[] weight, int total)
    {
        var sum = weight.Sum();
        var shares = weight.Select(w => (int)Math.Floor(total * w / sum)).ToArray();
        shares[^1] += total - shares.Sum();
        return shares;
    }

    /// <summary>Collects regions' villages, units and cadres with identifiers unique across the instance.</summary>
    sealed class Builder
    {
        static readonly WorkLine[] Lines = [WorkLine.Party, WorkLine.Economic, WorkLine.Legal, WorkLine.Agri, WorkLine.Tech];
        readonly List<DispatchVillage> villages = [];
        readonly List<DispatchUnit> units = [];
        readonly List<DispatchCadre> cadres = [];

        public DispatchInstance Build() => new(50, 1, villages, units, cadres);

        static double Spread(Random random) => (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) / 1.5;

        public void AddRegion(Random random, string region, string prefix, double lat, double lon, double span, int prefectures, int villages, int cadres)
        {
            // Prefecture seats over the region, counties around each seat; the first county of a prefecture holds its seat.
            var seats = new List<(double Lat, double Lon, string County, int Prefecture)>();
            var minority = new bool[prefectures];
            var prefectureSeat = new int[prefectures];
            for (var p = 0; p < prefectures; p++)
            {
                minority[p] = random.Next(4) == 0;
                double pLat = lat + (random.NextDouble() - 0.5) * span, pLon = lon + (random.NextDouble() - 0.5) * span * 1.2;
                var radius = span / Math.Sqrt(prefectures) * 0.45;
                prefectureSeat[p] = seats.Count;
                var counties = 6 + random.Next(6);
                for (var c = 0; c < counties; c++)
                {
                    var (cLat, cLon) = c == 0 ? (pLat, pLon) : (pLat + Spread(random) * radius, pLon + Spread(random) * radius * 1.2);
                    seats.Add((Math.Clamp(cLat, -89, 89), Math.Clamp(cLon, -179, 179), $"{prefix}C{p + 1:D2}{c + 1:D2}", p));
                }
            }
            var countyWeight = seats.Select(_ => 0.5 + random.NextDouble()).ToArray();
            var cumulative = new double[seats.Count];
            for (double sum = 0, i = 0; i < seats.Count; i++) cumulative[(int)i] = sum += countyWeight[(int)i];
            int PickCounty() => Math.Min(seats.Count - 1, Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]) is var k && k < 0 ? ~k : k);

            for (var i = 0; i < villages; i++)
            {
                var seat = seats[PickCounty()];
                var speaker = minority[seat.Prefecture] ? random.NextDouble() < 0.7 : random.NextDouble() < 0.02;
                this.villages.Add(new DispatchVillage($"{prefix}V{i + 1:D5}", region, seat.County, Lines[random.Next(Lines.Length)],
                    Math.Clamp(seat.Lat + Spread(random) * 0.35, -89.9, 89.9), Math.Clamp(seat.Lon + Spread(random) * 0.4, -179.9, 179.9),
                    2 + random.Next(3), speaker));
            }

            // Units: the region's own at the capital (the first prefecture's seat), 25 per prefecture seat, 5 per county seat.
            var unitStart = units.Count;
            var unitWeight = new List<double>();
            var unitSpeaks = new List<double>();
            void Unit(int seatIndex, double weight, double speakers)
            {
                var seat = seats[seatIndex];
                units.Add(new DispatchUnit($"{prefix}U{units.Count - unitStart + 1:D4}", region, seat.County,
                    seat.Lat + (random.NextDouble() - 0.5) * 0.04, seat.Lon + (random.NextDouble() - 0.5) * 0.04));
                unitWeight.Add(weight);
                unitSpeaks.Add(speakers);
            }
            var capitalUnits = Math.Max(10, (int)(cadres * 0.06 / 65));
            for (var i = 0; i < capitalUnits; i++) Unit(prefectureSeat[0], 1.5, 0.2);
            for (var p = 0; p < prefectures; p++)
            {
                for (var i = 0; i < 25; i++) Unit(prefectureSeat[p], 1.4, minority[p] ? 0.6 : 0.05);
            }
            for (var s = 0; s < seats.Count; s++)
            {
                for (var i = 0; i < 5; i++) Unit(s, 1.0, minority[seats[s].Prefecture] ? 0.6 : 0.05);
            }
            var unitCumulative = new double[unitWeight.Count];
            for (var i = 0; i < unitWeight.Count; i++) unitCumulative[i] = (i > 0 ? unitCumulative[i - 1] : 0) + unitWeight[i];
            for (var i = 0; i < cadres; i++)
            {
                var k = Array.BinarySearch(unitCumulative, random.NextDouble() * unitCumulative[^1]);
                k = Math.Min(unitWeight.Count - 1, k < 0 ? ~k : k);
                var line = random.NextDouble() < 0.05 ? WorkLine.Other : Lines[random.Next(Lines.Length)];
                this.cadres.Add(new DispatchCadre($"K{this.cadres.Count + 1:D6}", units[unitStart + k].Id, line,
                    random.NextDouble() < 0.3, random.NextDouble() < unitSpeaks[k]));
            }
        }
    }
}
