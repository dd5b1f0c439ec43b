using Grassroots.Data;
using Grassroots.Dispatch;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Demo;

/// <summary>
/// The demo's completed dispatch: the 2026 round's plan, made, approved and published by the prefecture in December
/// 2025 through the same planner and publishing as the application — so the 616 cadres hold postings (145 first
/// secretaries and 471 members in Ali's 145 teams) with terms from the round.
/// </summary>
internal static class DemoDispatch
{
    static DateTime China(int year, int month, int day, int hour, int minute) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromHours(8)).UtcDateTime;

    public static async Task PublishAsync(GrassrootsDb db, PlanningService planning, Guid roundId, CancellationToken ct)
    {
        var plan = await planning.CreateAsync(roundId, null, ct);
        await planning.RunAsync(plan.Id, ct);
        var ready = await planning.GetAsync(plan.Id, ct);
        if (ready.Status != PlanStatus.Ready || ready.FirstSecretaryFilled != DemoSeeder.FirstSecretaryCount || ready.Filled != DemoSeeder.CadreCount)
            throw new InvalidOperationException($"The demo dispatch plan came out wrong: {ready.StatusName} {ready.Error}, {ready.FirstSecretaryFilled} first secretaries, {ready.Filled} placed of {ready.Slots}.");
        await planning.ApproveAsync(plan.Id, null, ct);
        await planning.PublishAsync(plan.Id, null, ct);
        db.ChangeTracker.Clear();

        // The history as it happened: made on 12 December, approved on the 18th, published on the 22nd (China time).
        await db.TeamPlans.Where(p => p.Id == plan.Id).ExecuteUpdateAsync(u => u
            .SetProperty(p => p.CreatedAtUtc, China(2025, 12, 12, 10, 5))
            .SetProperty(p => p.CreatedBy, "ali.prefecture")
            .SetProperty(p => p.SolvedAtUtc, China(2025, 12, 12, 10, 5))
            .SetProperty(p => p.ApprovedBy, "ali.prefecture")
            .SetProperty(p => p.ApprovedAtUtc, China(2025, 12, 18, 16, 40))
            .SetProperty(p => p.PublishedBy, "ali.prefecture")
            .SetProperty(p => p.PublishedAtUtc, China(2025, 12, 22, 9, 30)), ct);
        await db.Postings.Where(p => p.PlanId == plan.Id).ExecuteUpdateAsync(u => u
            .SetProperty(p => p.CreatedAtUtc, China(2025, 12, 22, 9, 30))
            .SetProperty(p => p.CreatedBy, "ali.prefecture"), ct);
    }
}
