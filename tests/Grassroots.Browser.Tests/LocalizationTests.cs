using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Grassroots.Browser.Tests;

/// <summary>Every Chinese text the pages pass through the localizer has its English in SharedResource.en.resx.</summary>
public sealed partial class LocalizationTests
{
    [Fact]
    public void EnglishResources_CoverEveryTextThePagesLocalise()
    {
        var web = Path.Combine(RepositoryRoot(), "src", "Grassroots.Web");
        var english = XDocument.Load(Path.Combine(web, "Resources", "SharedResource.en.resx")).Root!
            .Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);
        var used = Directory.EnumerateFiles(Path.Combine(web, "Components"), "*.razor", SearchOption.AllDirectories)
            .SelectMany(f => LocalizedKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(used);
        var missing = used.Where(u => !english.ContainsKey(u.Key)).Select(u => $"{u.File}: {u.Key}").Distinct().ToList();
        Assert.Empty(missing);
        Assert.DoesNotContain(english, kv => string.IsNullOrWhiteSpace(kv.Value) || HasChinese().IsMatch(kv.Value) && !kv.Value.Contains("(Chinese", StringComparison.Ordinal));
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Grassroots.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Grassroots.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("T\\[\"([^\"]+)\"")]
    private static partial Regex LocalizedKey();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex HasChinese();
}
