using Grassroots.Manage;
using Grassroots.Security;

namespace Grassroots.Web.Manage;

/// <summary>
/// Clears check-ins' raw positions past their retention every day (<see cref="PositionRetention"/>), so that the policy
/// holds without an operator remembering to run it. The first run waits a few minutes after start, away from
/// migrations and the morning's first check-ins; a failed run is logged and tried again the next day.
/// </summary>
internal sealed class PositionRetentionWorker(IServiceScopeFactory scopes, ILogger<PositionRetentionWorker> log) : BackgroundService
{
    static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(5);
    static readonly TimeSpan Every = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstRun, stoppingToken); // wall-clock scheduling; the cutoff follows the application's clock
            while (true)
            {
                await PurgeOnceAsync(stoppingToken);
                await Task.Delay(Every, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    async Task PurgeOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("签到坐标清理");
            var cleared = await scope.ServiceProvider.GetRequiredService<PositionRetention>().PurgeAsync(ct);
            if (cleared > 0) log.LogInformation("Cleared the raw positions of {Count} check-ins past their retention", cleared);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Clearing check-in positions past their retention failed; the next run tries again");
        }
    }
}
