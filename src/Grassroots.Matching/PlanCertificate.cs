namespace Grassroots.Matching;

/// <summary>
/// Checks a plan against an instance from scratch: that it keeps every rule, and that it is optimal, using the dual
/// prices of the weighted b-matching it solves (linear-programming duality, the assignment polytope being integral).
/// </summary>
/// <remarks>
/// Optimality: with non-negative prices u (cadres) and y (slot groups) such that u(c) + y(k) ≥ worth(c, k) for every
/// allowed cadre and slot group, every feasible plan is worth at most Σu + Σ capacity(k)·y(k); a plan worth exactly that
/// is optimal (equivalently, complementary slackness holds). The worth of a placement is B − cost, plus A for a first
/// secretary; the weights are checked to be large enough (B &gt; the worst total cost, A ≥ B × (slots + 1)) for the
/// weighted optimum to be the lexicographic one.
/// </remarks>
public static class PlanCertificate
{
    /// <summary>Checks the plan and the prices; an empty list means the plan keeps every rule and is proved optimal.</summary>
    public static IReadOnlyList<string> Verify(DispatchInstance instance, DispatchPlan plan, DispatchPrices prices)
    {
        var problems = new List<string>();
        var cadreIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < instance.Cadres.Count; i++) cadreIndex[instance.Cadres[i].Id] = i;
        var villageIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < instance.Villages.Count; i++) villageIndex[instance.Villages[i].Id] = i;

        // Feasibility.
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var firstSecretaries = new int[instance.Villages.Count];
        var members = new int[instance.Villages.Count];
        var speakers = new int[instance.Villages.Count];
        Int128 worth = 0;
        foreach (var p in plan.Placements)
        {
            if (!cadreIndex.TryGetValue(p.CadreId, out var c)) { problems.Add($"干部 {p.CadreId} 不在实例中。"); continue; }
            if (!villageIndex.TryGetValue(p.VillageId, out var v)) { problems.Add($"村 {p.VillageId} 不在实例中。"); continue; }
            if (!placed.Add(p.CadreId)) problems.Add($"干部 {p.CadreId} 被安排了不止一次。");
            var cadre = instance.Cadres[c];
            var unit = instance.UnitOf(c);
            var village = instance.Villages[v];
            if (unit.Region != village.Region) problems.Add($"干部 {p.CadreId} 的派出单位属区域 {unit.Region}，不能派往区域 {village.Region} 的村 {p.VillageId}。");
            if (unit.County == village.County) problems.Add($"干部 {p.CadreId} 不能派往派出单位所在县 {unit.County} 的村 {p.VillageId}（回避）。");
            if (p.Slot == SlotKind.FirstSecretary)
            {
                if (!cadre.FirstSecretaryEligible) problems.Add($"干部 {p.CadreId} 不具备第一书记资格。");
                firstSecretaries[v]++;
            }
            else
            {
                members[v]++;
                if (cadre.Speaker) speakers[v]++;
            }
            worth += (p.Slot == SlotKind.FirstSecretary ? prices.FirstSecretaryWeight : 0) + prices.SlotWeight - instance.Cost(c, v);
        }
        for (var v = 0; v < instance.Villages.Count; v++)
        {
            var village = instance.Villages[v];
            if (firstSecretaries[v] > 1) problems.Add($"村 {village.Id} 有 {firstSecretaries[v]} 名第一书记，只能有 1 名。");
            if (members[v] > village.Members) problems.Add($"村 {village.Id} 有 {members[v]} 名队员，名额只有 {village.Members} 个。");
            var nonSpeakerRoom = village.Members - (village.NeedsSpeaker ? 1 : 0);
            if (members[v] - speakers[v] > nonSpeakerRoom && members[v] <= village.Members)
                problems.Add($"村 {village.Id} 的语言翻译名额被不会当地语言的干部占用。");
        }

        // The weights make the weighted optimum the lexicographic one.
        Int128 worstTotal = 0;
        for (var c = 0; c < instance.Cadres.Count; c++)
        {
            long worst = 0;
            for (var v = 0; v < instance.Villages.Count; v++)
            {
                if (instance.IsAllowed(c, v)) worst = Math.Max(worst, instance.Cost(c, v));
            }
            worstTotal += worst;
        }
        if ((Int128)prices.SlotWeight <= worstTotal) problems.Add($"名额权重 B={prices.SlotWeight} 不大于最坏总代价 {worstTotal}。");
        if ((Int128)prices.FirstSecretaryWeight < (Int128)prices.SlotWeight * (instance.TotalSlots + 1))
            problems.Add($"第一书记权重 A={prices.FirstSecretaryWeight} 小于 B×(名额数+1)。");

        // Dual feasibility.
        long Price(IReadOnlyDictionary<string, long> map, string id, string what)
        {
            if (!map.TryGetValue(id, out var price)) { problems.Add($"缺少{what} {id} 的价格。"); return 0; }
            if (price < 0) problems.Add($"{what} {id} 的价格为负数。");
            return price;
        }
        Int128 bound = 0;
        var cadrePrice = new long[instance.Cadres.Count];
        for (var c = 0; c < instance.Cadres.Count; c++)
        {
            cadrePrice[c] = Price(prices.Cadres, instance.Cadres[c].Id, "干部");
            bound += cadrePrice[c];
        }
        var fsPrice = new long[instance.Villages.Count];
        var speakerPrice = new long[instance.Villages.Count];
        var memberPrice = new long[instance.Villages.Count];
        for (var v = 0; v < instance.Villages.Count; v++)
        {
            var village = instance.Villages[v];
            fsPrice[v] = Price(prices.FirstSecretarySlots, village.Id, "第一书记名额");
            speakerPrice[v] = village.NeedsSpeaker ? Price(prices.SpeakerSlots, village.Id, "翻译名额") : 0;
            memberPrice[v] = Price(prices.MemberSlots, village.Id, "队员名额");
            bound += fsPrice[v] + speakerPrice[v] + (Int128)memberPrice[v] * (village.Members - (village.NeedsSpeaker ? 1 : 0));
        }
        var violations = 0;
        for (var c = 0; c < instance.Cadres.Count; c++)
        {
            var cadre = instance.Cadres[c];
            for (var v = 0; v < instance.Villages.Count; v++)
            {
                if (!instance.IsAllowed(c, v)) continue;
                var village = instance.Villages[v];
                Int128 member = (Int128)prices.SlotWeight - instance.Cost(c, v);
                if (cadre.FirstSecretaryEligible && cadrePrice[c] + (Int128)fsPrice[v] < member + prices.FirstSecretaryWeight) violations++;
                if (cadre.Speaker && village.NeedsSpeaker && cadrePrice[c] + (Int128)speakerPrice[v] < member) violations++;
                if (village.Members - (village.NeedsSpeaker ? 1 : 0) > 0 && cadrePrice[c] + (Int128)memberPrice[v] < member) violations++;
            }
        }
        if (violations > 0) problems.Add($"价格不可行：{violations} 个干部与名额的组合价格之和低于其价值。");

        // Equal values: the plan reaches the bound every plan is held to.
        if (worth != bound) problems.Add($"方案价值 {worth} 不等于价格给出的上界 {bound}：不能证明方案最优。");
        return problems;
    }
}
