namespace Grassroots.Web.Resources;

/// <summary>
/// Marker for the pages' strings. Keys are the Simplified Chinese text itself (zh-CN, the default culture,
/// needs no resource file); <c>SharedResource.en.resx</c> holds the English.
/// </summary>
public sealed class SharedResource;
