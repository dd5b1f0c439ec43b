using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Dispatch;

/// <summary>
/// Runs queued dispatch plans in the background, one at a time, so a page or API call returns at once and shows
/// progress. At start it picks up plans left queued or running by a stopped server.
/// </summary>
internal sealed class PlanRunWorker(IServiceScopeFactory scopes, PlanRunQueue queue, ILogger<PlanRunWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("方案计算");
                var db = scope.ServiceProvider.GetRequiredService<GrassrootsDb>();
                var left = await db.TeamPlans.Where(p => p.Status == PlanStatus.Queued || p.Status == PlanStatus.Running)
                    .OrderBy(p => p.CreatedAtUtc).Select(p => p.Id).ToListAsync(stoppingToken);
                foreach (var id in left) queue.Enqueue(id);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database may not be ready yet (first start migrates it); new plans are queued as they are made.
            log.LogInformation("No queued dispatch plans picked up at start: {Message}", e.Message);
        }

        await foreach (var planId in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("方案计算");
                await scope.ServiceProvider.GetRequiredService<PlanningService>().RunAsync(planId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "Dispatch plan {PlanId} failed", planId);
            }
        }
    }
}
