using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Manage;

public static class OversightServices
{
    /// <summary>Supervision and care (S-MNG-3, -5, -6, -8): requests, inspections, dispatch checks, roll-calls, care funds.</summary>
    public static IServiceCollection AddGrassrootsOversight(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<OversightOptions>(config.GetSection(OversightOptions.Section));
        services.AddScoped<CadreRequestService>();
        services.AddScoped<InspectionService>();
        services.AddScoped<DispatchService>();
        services.AddScoped<CareService>();
        services.AddScoped<CareLedgerExporter>();
        services.AddScoped<OversightSummaryService>();
        return services;
    }
}
