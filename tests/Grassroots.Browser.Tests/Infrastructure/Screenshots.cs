using Microsoft.Playwright;

namespace Grassroots.Browser.Tests.Infrastructure;

/// <summary>
/// Saves full-page screenshots for the documentation when <c>GRASSROOTS_SCREENSHOTS</c> names a folder (e.g.
/// docs/screenshots); otherwise does nothing, so normal test runs leave no files behind.
/// </summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("GRASSROOTS_SCREENSHOTS");
        if (string.IsNullOrWhiteSpace(folder)) return;
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
